"""unittest under repetition: every repetition is one plain run of a test.

A plain `python3 -m unittest` run gives each test its own TestCase
instance. A repetition does the same: a shallow copy of the loaded
instance (keeping what a load_tests() set on it) with the state of a run
made anew: no outcome, no cleanups, no asyncio runner (an
IsolatedAsyncioTestCase instance refuses a second run: "asyncio runner is
already initialized"), its own contextvars context. setUpModule and
setUpClass run once, when the session opens, as in a plain run.

make_control() is the control of a test: a copy whose setUp, test method
and tearDown do nothing, run the same way. What it grows is the harness's
or unittest's, never the test's.
"""

import contextvars
import copy
import fnmatch
import inspect
import os
import sys
import traceback

from .common import (TestFailed, freeze, outcome, parse_argv,
                     regrtest_cleaner)

RESOURCES = []


def cpython_knobs(resources):
    """What regrtest sets for CPython's own test modules (test.*)."""
    try:
        from test import support
    except ImportError:
        return
    support.verbose = 0
    support.use_resources = list(resources)
    support.failfast = False
    support.junit_xml_list = None
    import unittest

    # A suite that drops its tests after one run runs nothing the second
    # time (regrtest -R sets this too).
    unittest.BaseTestSuite._cleanup = False


def _flatten(suite, out):
    import unittest

    if isinstance(suite, unittest.TestCase):
        out.append(suite)
        return
    for t in suite:
        _flatten(t, out)


def _flat(suite):
    out = []
    _flatten(suite, out)
    return out


def _via_test_main(module):
    """Modules with test_main() (test_decimal, test_xml_etree_c) build their
    suite there: run it with run_unittest() collecting instead of running."""
    from test import support
    import unittest

    found = []
    saved = support.run_unittest, getattr(support, "run_doctest", None)

    def take(*classes):
        loader = unittest.TestLoader()
        for c in classes:
            if isinstance(c, str):
                c = sys.modules[c]
            if isinstance(c, type) and issubclass(c, unittest.TestCase):
                _flatten(loader.loadTestsFromTestCase(c), found)
            elif isinstance(c, unittest.TestSuite):
                _flatten(c, found)
            else:
                _flatten(loader.loadTestsFromModule(c), found)

    support.run_unittest = take
    support.run_doctest = lambda *a, **k: None
    try:
        module.test_main()
    finally:
        support.run_unittest, support.run_doctest = saved
    return found


def _load_target(loader, target):
    if os.path.isdir(target):
        top = os.path.abspath(target)
        return _flat(loader.discover(top, pattern="test*.py", top_level_dir=top))
    if os.path.isfile(target) and target.endswith(".py"):
        target = _file_target(target)
    if target.startswith("test.") or target == "test":
        cpython_knobs(RESOURCES)
    try:
        __import__(target)
        module = sys.modules[target]
    except ImportError:
        module = None
    if (module is not None and hasattr(module, "test_main")
            and target.startswith("test.")
            and not hasattr(module, "load_tests")):
        return _via_test_main(module)
    return _flat(loader.loadTestsFromName(target))


_CWD = None


def cwd_on_path(cwd):
    """Names resolve as `python3 -m unittest NAME` resolves them: the
    current folder first on sys.path."""
    global _CWD
    _CWD = cwd
    if cwd and cwd not in sys.path:
        sys.path.insert(0, cwd)


def _file_target(path):
    """A .py file as `python3 -m unittest FILE` names it: under the current
    folder, its dotted path from there (tests/test_x.py is tests.test_x, so
    its relative imports work and its ids are unittest's). A file
    elsewhere, or under folders that are not identifiers, which unittest
    refuses: its own folder put on sys.path and its base name."""
    path = os.path.abspath(path)
    rel = os.path.relpath(path, _CWD) if _CWD else os.pardir
    parts = rel[:-3].split(os.sep)
    if not rel.startswith(os.pardir) and all(p.isidentifier() for p in parts):
        return ".".join(parts)
    folder, name = os.path.split(path)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    return name[:-3]


def unittest_tests(argv):
    import unittest

    global RESOURCES
    operands, opts = parse_argv(argv)
    RESOURCES = [r for u in opts["-u"] for r in u.split(",") if r]
    loader = unittest.TestLoader()
    tests = []
    for target in operands:
        tests.extend(_load_target(loader, target))
    pats = ["*%s*" % p if "*" not in p else p for p in opts["-k"]]
    if pats:
        tests = [t for t in tests
                 if any(fnmatch.fnmatchcase(t.id(), p) for p in pats)]
    return tests, opts


def test_path(t):
    mod = sys.modules.get(type(t).__module__)
    return getattr(mod, "__file__", None) or type(t).__module__


def fresh(t):
    """A new instance of test t for one run (see the module's doc)."""
    new = copy.copy(t)
    d = new.__dict__
    d["_outcome"] = None
    d["_cleanups"] = []
    d["_subtest"] = None
    if isinstance(d.get("_type_equality_funcs"), dict):
        d["_type_equality_funcs"] = dict(d["_type_equality_funcs"])
    if "_asyncioRunner" in d:
        d["_asyncioRunner"] = None
    if "_asyncioTestContext" in d:
        d["_asyncioTestContext"] = contextvars.copy_context()
    return new


def _noop():
    pass


async def _anoop():
    pass


def control(t):
    """A fresh instance of t whose setUp, test and tearDown do nothing."""
    new = fresh(t)
    name = getattr(t, "_testMethodName", "runTest")
    body = getattr(t, name, None)
    setattr(new, name, _anoop if inspect.iscoroutinefunction(body) else _noop)
    for n in ("setUp", "tearDown"):
        setattr(new, n, _noop)
    for n in ("asyncSetUp", "asyncTearDown"):
        if hasattr(new, n):
            setattr(new, n, _anoop)
    return new


class Slot:
    """A TestResult that notes the first failure or skip of the latest run
    in fixed attributes and keeps nothing else: repeated runs never grow
    it."""

    def __init__(self):
        import unittest

        self._fmt = unittest.TestResult()
        self.shouldStop = False
        self.failfast = False
        self.buffer = False
        self.tb_locals = False
        self.clear()

    def clear(self):
        self.failed = None
        self.skipped = None

    def _fail(self, test, err):
        if self.failed is None:
            self.failed = "%s\n%s" % (test.id(), self._fmt._exc_info_to_string(err, test))

    def startTest(self, test):
        pass

    def stopTest(self, test):
        pass

    def addSuccess(self, test):
        pass

    def addError(self, test, err):
        self._fail(test, err)

    addFailure = addError

    def addSkip(self, test, reason):
        if self.skipped is None:
            self.skipped = reason

    def addExpectedFailure(self, test, err):
        pass

    def addUnexpectedSuccess(self, test):
        if self.failed is None:
            self.failed = "%s\nunexpected success" % test.id()

    def addSubTest(self, test, subtest, err):
        if err is not None:
            self._fail(subtest, err)

    def addDuration(self, test, elapsed):
        pass


class UnittestSession:
    def __init__(self, argv, first, count):
        tests, opts = unittest_tests(argv)
        self.tests = tests[first:first + count]
        self.ids = [t.id() for t in self.tests]
        self.cleanup = opts["--regrtest-cleanup"]
        self.slot = Slot()
        self._classes = []
        self._modules = []
        self._broken = {}  # class or module -> fixture traceback
        for t in self.tests:
            cls = type(t)
            mod = sys.modules.get(cls.__module__)
            if mod is not None and mod not in self._modules:
                self._modules.append(mod)
            if cls not in self._classes:
                self._classes.append(cls)
        self.keys = [self._classes.index(type(t)) for t in self.tests]
        self._fixtures_up()

    def _fixtures_up(self):
        import unittest

        for mod in self._modules:
            fn = getattr(mod, "setUpModule", None)
            try:
                if fn is not None:
                    fn()
            except BaseException:
                self._broken[mod] = traceback.format_exc()
                try:
                    unittest.case.doModuleCleanups()
                except BaseException:
                    pass
        for cls in self._classes:
            if getattr(cls, "__unittest_skip__", False):
                continue
            if sys.modules.get(cls.__module__) in self._broken:
                continue
            try:
                cls.setUpClass()
            except BaseException:
                self._broken[cls] = traceback.format_exc()
                try:
                    cls.doClassCleanups()
                except BaseException:
                    pass

    def _fixture_failure(self, t):
        cls = type(t)
        return self._broken.get(cls) or self._broken.get(sys.modules.get(cls.__module__))

    def _once(self, t):
        """Run t once on a fresh instance: (failed, skipped)."""
        s = self.slot
        s.clear()
        fresh(t).run(s)
        return s.failed, s.skipped

    def first_run(self):
        """Run each test once: [(status, text)], status ok, error, skip."""
        out = []
        for t in self.tests:
            why = self._fixture_failure(t)
            if why is not None:
                out.append(("error", "%s\nfixture failed:\n%s" % (t.id(), why)))
                continue
            out.append(outcome(*self._once(t)))
        freeze()
        return out

    def first_alone(self, i):
        """Run test i once (the plain run before a judgement alone): None,
        or its failure."""
        failed = self._once(self.tests[i])[0]
        freeze()
        return failed

    def make(self, indexes, cleanup=False):
        tests = tuple(self.tests[i] for i in indexes)
        slot = self.slot
        clear = regrtest_cleaner() if cleanup else None

        def run():
            for t in tests:
                slot.failed = None
                fresh(t).run(slot)
                if slot.failed is not None:
                    raise TestFailed(slot.failed)
            if clear is not None:
                clear()

        return run

    def make_control(self, i):
        t = self.tests[i]
        slot = self.slot

        def run():
            slot.failed = None
            control(t).run(slot)
            if slot.failed is not None:
                raise TestFailed(slot.failed)

        return run

    def others(self, i):
        return [x for k, x in enumerate(self.ids) if k != i]

    def module_of(self, i):
        """The module test i's class is defined in, or None."""
        return sys.modules.get(type(self.tests[i]).__module__)

    def fresh(self, i):
        """Run test i once more on a new instance: None if it passes."""
        return self._once(self.tests[i])[0]

    def make_fixtured(self, i):
        """A repetition of test i that sets its module and class up and
        tears them down around it, as a regrtest -R repetition of the
        module does: for a test that needs its fixtures fresh (a counter
        that setUpModule resets, say). None when they are broken."""
        import unittest

        t = self.tests[i]
        cls = type(t)
        mod = sys.modules.get(cls.__module__)
        if cls in self._broken or mod in self._broken:
            return None
        slot = self.slot

        def run():
            cls.tearDownClass()
            cls.doClassCleanups()
            down = getattr(mod, "tearDownModule", None)
            if down is not None:
                down()
            unittest.case.doModuleCleanups()
            up = getattr(mod, "setUpModule", None)
            if up is not None:
                up()
            cls.setUpClass()
            slot.failed = None
            fresh(t).run(slot)
            if slot.failed is not None:
                raise TestFailed(slot.failed)

        return run

    def close(self):
        import unittest

        for cls in reversed(self._classes):
            if cls in self._broken or getattr(cls, "__unittest_skip__", False):
                continue
            try:
                cls.tearDownClass()
                cls.doClassCleanups()
            except BaseException:
                pass
        for mod in reversed(self._modules):
            fn = getattr(mod, "tearDownModule", None)
            try:
                if fn is not None and mod not in self._broken:
                    fn()
                unittest.case.doModuleCleanups()
            except BaseException:
                pass
