"""Planted leaks for `leakcheck unittest` (tests/e2e.py, group suites).

Each test's docstring says what it must get: LEAK, CLEAN, ERROR, SKIPPED,
NOT REPEATABLE or DEPENDS (clean alone, growing only after other tests).
Nothing here prints."""
import functools
import os
import unittest

_kept = []
_sparse = [0]
_fixture_kept = []
_files = []
_runs = [0]
_enabled = [False]


@functools.lru_cache(maxsize=32)
def _square(n):
    return [n] * 4


class Fillers(unittest.TestCase):
    def test_arith(self):
        """CLEAN"""
        self.assertEqual(sum(range(100)), 4950)

    def test_strings(self):
        """CLEAN"""
        self.assertTrue("-".join(str(i) for i in range(50)))

    def test_dict(self):
        """CLEAN"""
        d = {i: str(i) for i in range(200)}
        self.assertEqual(len(d), 200)

    def test_bounded_cache(self):
        """CLEAN: an lru_cache of 32 entries fed ever new keys."""
        self.n = getattr(Fillers, "_n", 0) + 1
        Fillers._n = self.n
        _square(self.n)


class Leaks(unittest.TestCase):
    def test_keeps_objects(self):
        """LEAK"""
        _kept.append(object())

    def test_sparse_every_10th(self):
        """LEAK"""
        _sparse[0] += 1
        if _sparse[0] % 10 == 0:
            _kept.append([1, 2, 3])

    def test_fd_never_closed(self):
        """LEAK"""
        _files.append(open(os.devnull))

    def test_clean_neighbour(self):
        """CLEAN"""
        [object() for _ in range(20)]


class FixtureLeak(unittest.TestCase):
    def setUp(self):
        _fixture_kept.append(bytearray(64))

    def test_uses_fixture(self):
        """LEAK: its setUp keeps a buffer each time."""
        self.assertTrue(_fixture_kept)


class FixtureOnce(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.big = [bytearray(100) for _ in range(100)]

    def test_reads_class_fixture(self):
        """CLEAN: setUpClass runs once."""
        self.assertEqual(len(self.big), 100)


_up = {"swapped": False}


class SwapsWhileUp(unittest.TestCase):
    """Changes the process while it is up and puts it back when torn
    down, as CPython's test_typing swaps sys.modules['typing']."""

    @classmethod
    def setUpClass(cls):
        _up["swapped"] = True

    @classmethod
    def tearDownClass(cls):
        _up["swapped"] = False

    def test_sees_its_swap(self):
        """CLEAN: its class is up."""
        self.assertTrue(_up["swapped"])


class AfterSwap(unittest.TestCase):
    def test_sees_no_swap(self):
        """CLEAN: the class before it was torn down, as a plain run does."""
        self.assertFalse(_up["swapped"])


class Outcomes(unittest.TestCase):
    def test_fails(self):
        """ERROR"""
        self.assertEqual(1, 2)

    @unittest.skip("planted skip")
    def test_skipped(self):
        """SKIPPED"""

    def test_not_repeatable(self):
        """NOT REPEATABLE: passes its first two runs only."""
        _runs[0] += 1
        if _runs[0] > 2:
            raise RuntimeError("run %d of a test that runs twice" % _runs[0])

    def test_own_instance(self):
        """CLEAN: each run has its own instance, as in a plain run."""
        if getattr(self, "_ran", False):
            raise RuntimeError("second run on this instance")
        self._ran = True


class Depends(unittest.TestCase):
    def test_a_enables(self):
        """CLEAN: switches on what test_b_keeps_when_enabled keeps."""
        _enabled[0] = True

    def test_b_keeps_when_enabled(self):
        """DEPENDS: keeps an object per call only after test_a_enables."""
        if _enabled[0]:
            _kept.append(object())
