# leakcheck: expect=leak
# leakcheck: source="descriptor leak with no Python object to close it"
"""os.open() per call, the descriptor never closed and its number dropped.

Unlike a file object, a raw descriptor from os.open() is a plain int: when
the int is dropped nothing closes the descriptor. Python memory stays flat;
only the fds signal grows, by one per call. teardown() closes what leaked.
"""

import os

first = None


def setup():
    global first
    fd = os.open(os.devnull, os.O_RDONLY)
    os.close(fd)
    first = fd


def run():
    os.open(os.devnull, os.O_RDONLY)


def teardown():
    # Close every descriptor from the first one run() could have got.
    for fd in sorted(int(n) for n in os.listdir("/proc/self/fd")):
        if fd >= first:
            try:
                if os.readlink(f"/proc/self/fd/{fd}") == os.devnull:
                    os.close(fd)
            except OSError:
                pass
