"""Canary: doctests (collected by pytest --doctest-modules, and by
test_unittest_features.load_tests for unittest).

>>> add(2, 3)
5
"""
from _canary import keep


def add(a, b):
    """The clean doctest.

    >>> add(1, 2)
    3
    """
    return a + b


def add_leaks(a, b):
    """The leaking twin.

    >>> add_leaks(1, 2)
    3
    """
    keep()
    return a + b
