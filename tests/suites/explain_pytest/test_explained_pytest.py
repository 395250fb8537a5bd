"""A leaking pytest test and a clean one, for the explain pass of suite
tests (tests/e2e_suite_explain.py): the explanation must give the line of
this file that allocates what test_keeps_one and TestHeld.test_keeps_one
keep, and the module globals that hold it."""

_kept = []
_held = []


class Kept:
    """What test_keeps_one keeps, one per call."""


def test_keeps_one():
    """LEAK: one Kept per call, held by the module global _kept."""
    _kept.append(Kept())  # e2e: allocation line of test_keeps_one


def test_keeps_nothing():
    """CLEAN"""
    assert sum(range(10)) == 45


class TestHeld:
    def test_keeps_one(self):
        """LEAK: one Kept per call, held by the module global _held."""
        _held.append(Kept())  # e2e: allocation line of TestHeld
