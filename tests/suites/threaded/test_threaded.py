"""Planted leaks in a module that starts a thread when imported
(tests/e2e_suites.py, group threaded), for `leakcheck unittest` and
`leakcheck pytest` alike.

A worker with a thread besides the main one does not fork, so it cannot
judge a leak again alone in a child of itself: the runner does, in a
worker of its own that runs only that test. Each test's docstring says
what it must get: LEAK (confirmed alone), CLEAN, or DEPENDS (clean alone,
growing only after test_a_enables ran in the same worker)."""
import threading
import unittest

_stop = threading.Event()
_thread = threading.Thread(target=_stop.wait, name="planted-idle",
                           daemon=True)
_thread.start()

_kept = []
_enabled = [False]


class Threaded(unittest.TestCase):
    def test_keeps_one(self):
        """LEAK: one object kept per call."""
        self.assertTrue(_thread.is_alive())
        _kept.append(object())

    def test_clean(self):
        """CLEAN: keeps nothing."""
        self.assertEqual(sum(range(10)), 45)


class Pair(unittest.TestCase):
    def test_a_enables(self):
        """CLEAN: turns test_b's keeping on, once."""
        _enabled[0] = True

    def test_b_keeps_when_enabled(self):
        """DEPENDS: keeps an object per call only after test_a_enables."""
        if _enabled[0]:
            _kept.append(object())
