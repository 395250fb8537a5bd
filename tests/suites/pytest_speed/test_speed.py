"""Tests of how long leakcheck pytest measures (tests/e2e_suite_run.py).

Each test's docstring says what it must get, as in tests/suites/.
"""
import os

import pytest

_kept = []
_bounded = []
_bounded_600 = []


@pytest.mark.parametrize("n", range(20))
def test_trivial(n):
    """CLEAN: nothing kept."""
    assert n + 1 > n


def test_keeps_one_object():
    """LEAK: one object per call, certain after four growing horizons."""
    _kept.append(object())


def test_fills_to_100():
    """CLEAN: a list that stops growing at 100 entries, well before the
    certainty bound of 1024 calls."""
    if len(_bounded) < 100:
        _bounded.append(object())


def test_fills_to_600():
    """CLEAN: a list that stops growing at 600 entries, as re's cache of
    512 patterns does: past 256 calls, before the certainty bound."""
    if len(_bounded_600) < 600:
        _bounded_600.append(object())


@pytest.mark.parametrize("n", range(60))
def test_spread(n):
    """CLEAN: notes the worker's pid when LC_SPEED_PIDS names a file."""
    path = os.environ.get("LC_SPEED_PIDS")
    if path:
        with open(path, "a") as f:
            f.write("%d %d\n" % (os.getpid(), n))
