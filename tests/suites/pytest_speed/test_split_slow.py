"""Two slow tests in a slice of their own, beside test_split_fast.py's one
fast test (e2e_suite_run.py, split): with -j2 the fast slice ends while
this one is still to be judged, the runner offers the slot it freed
(lend.h), and this slice gives test_slow_b back: it is imported and
judged again in a worker of its own while test_slow_a is judged here.
Each call notes, in the file LC_SPLIT_LOG names, the process it ran in,
the process that imported this module, and when it ran: calls of the two
that overlap in time ran in two processes at once, and each process ran
its tests from its own import. Both are clean."""
import os
import time

IMPORTED_IN = os.getpid()


def _noted(name):
    start = time.monotonic()
    time.sleep(0.4)
    path = os.environ.get("LC_SPLIT_LOG")
    if path:
        with open(path, "a", encoding="ascii") as f:
            f.write("%s %d %d %.6f %.6f\n" % (name, os.getpid(), IMPORTED_IN,
                                               start, time.monotonic()))


def test_slow_a():
    _noted("a")


def test_slow_b():
    _noted("b")
