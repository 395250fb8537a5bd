"""drive.py - the loop that calls the case's run().

A module of its own so that allocation traces can tell the program's
allocations from explain's: a trace whose first frame of explain's (walking
from the allocation outwards) is this file's was made by the case, and its
frames stop there; any other frame of explain's makes it explain's own.
"""

DRIVER_FILE = __import__("sys")._getframe(0).f_code.co_filename


def repeat(step, n):
    """Call step() n times."""
    for _ in range(n):
        step()
