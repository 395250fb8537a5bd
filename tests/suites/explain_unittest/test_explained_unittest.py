"""A leaking unittest test and a clean one, for the explain pass of suite
tests (tests/e2e_suite_explain.py): the explanation must give the line of
this file that allocates what test_keeps_one keeps, and the module global
that holds it."""
import unittest

_kept = []


class Kept:
    """What test_keeps_one keeps, one per call."""


class Explained(unittest.TestCase):
    def test_keeps_one(self):
        """LEAK: one Kept per call, held by the module global _kept."""
        _kept.append(Kept())  # e2e: allocation line of test_keeps_one

    def test_keeps_nothing(self):
        """CLEAN"""
        self.assertEqual(sum(range(10)), 45)
