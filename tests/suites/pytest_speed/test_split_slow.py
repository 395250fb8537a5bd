"""Two slow tests in a slice of their own, beside test_split_fast.py's one
fast test (e2e_suite_run.py, split): with -j2 the fast slice ends while
this one is screened, the runner lends the slot it freed (lend.h), and the
two tests are screened at once, one in a helper (suite.c, split). Each call
notes when it ran in the file LC_SPLIT_LOG names: calls of the two that
overlap in time ran in two processes at once. Both are clean."""
import os
import time


def _noted(name):
    start = time.monotonic()
    time.sleep(0.4)
    path = os.environ.get("LC_SPLIT_LOG")
    if path:
        with open(path, "a", encoding="ascii") as f:
            f.write("%s %d %.6f %.6f\n" % (name, os.getpid(), start,
                                            time.monotonic()))


def test_slow_a():
    _noted("a")


def test_slow_b():
    _noted("b")
