"""unittest under repetition: every repetition is one plain run of a test.

A plain `python3 -m unittest` run gives each test its own TestCase
instance. A repetition does the same: a shallow copy of the loaded
instance (keeping what a load_tests() set on it) with the state of a run
made anew: no outcome, no cleanups, no asyncio runner (an
IsolatedAsyncioTestCase instance refuses a second run: "asyncio runner is
already initialized"), its own contextvars context. Module and class
fixtures come up and go down as in a plain run: a class is set up before
its first test and torn down when the next test is another class's (so a
repetition of tests of several classes sets each up again, as regrtest
-R's repetition of a module does; a test repeated alone keeps its class
up).

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
from time import perf_counter

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
        classes = []
        for t in self.tests:
            if type(t) not in classes:
                classes.append(type(t))
        self.keys = [classes.index(type(t)) for t in self.tests]
        # The fixtures up now, as unittest's TestSuite keeps them: one
        # class and its module at a time (see _enter).
        self._cls = None
        self._mod = None
        self._mod_failed = None  # the module's setUpModule traceback
        self._cls_failed = None  # the class's setUpClass traceback

    def _enter(self, cls):
        """Make cls's fixtures the ones up, as a plain run does between
        two tests: the class before torn down, the module changed when it
        changes, then cls set up. A plain run sets a class up just before
        its first test, and some classes change the process for the
        classes after them only while they are up (CPython's test_typing
        swaps sys.modules['typing'] in a setUpClass). None, or the
        traceback of the fixture that failed (the test is then an error,
        as unittest makes it)."""
        if cls is not self._cls:
            self._class_down()
            mod = sys.modules.get(cls.__module__)
            if mod is not self._mod:
                self._module_down()
                self._module_up(mod)
            self._class_up(cls)
        return self._mod_failed or self._cls_failed

    def _module_up(self, mod):
        import unittest

        self._mod = mod
        fn = getattr(mod, "setUpModule", None)
        try:
            if fn is not None:
                fn()
        except BaseException:
            self._mod_failed = traceback.format_exc()
            try:
                unittest.case.doModuleCleanups()
            except BaseException:
                pass

    def _class_up(self, cls):
        self._cls = cls
        if self._mod_failed or getattr(cls, "__unittest_skip__", False):
            return
        try:
            cls.setUpClass()
        except BaseException:
            self._cls_failed = traceback.format_exc()
            try:
                cls.doClassCleanups()
            except BaseException:
                pass

    def _class_down(self):
        """What a plain run does after a class's last test; an error
        there is nobody's test's (unittest reports it apart)."""
        cls, self._cls = self._cls, None
        failed, self._cls_failed = self._cls_failed, None
        if (cls is None or failed or self._mod_failed
                or getattr(cls, "__unittest_skip__", False)):
            return
        try:
            cls.tearDownClass()
        except BaseException:
            pass
        try:
            cls.doClassCleanups()
        except BaseException:
            pass

    def _module_down(self):
        import unittest

        mod, self._mod = self._mod, None
        failed, self._mod_failed = self._mod_failed, None
        if mod is None:
            return
        fn = getattr(mod, "tearDownModule", None)
        try:
            if fn is not None and not failed:
                fn()
        except BaseException:
            pass
        try:
            unittest.case.doModuleCleanups()
        except BaseException:
            pass

    def _leave(self):
        self._class_down()
        self._module_down()

    def _run(self, t):
        """Run t once on a fresh instance, its fixtures up: the slot says
        how it went."""
        s = self.slot
        s.clear()
        why = self._enter(type(t))
        if why is not None:
            s.failed = "%s\nfixture failed:\n%s" % (t.id(), why)
            return
        fresh(t).run(s)

    def first_run(self):
        """Run each test once: [(status, text, seconds)], status ok, error,
        skip (common.outcome), and the run's time, which a split by cost
        reads (suite.c)."""
        out = []
        for t in self.tests:
            t0 = perf_counter()
            self._run(t)
            out.append(outcome(self.slot.failed, self.slot.skipped) +
                       (perf_counter() - t0,))
        freeze()
        return out

    def first_alone(self, i):
        """Run test i once (the plain run before a judgement alone): None,
        or its failure."""
        self._run(self.tests[i])
        freeze()
        return self.slot.failed

    def _repeat(self, tests, after=None):
        """The callable running tests once each, as one plain run of them
        (a class that follows another set up again each time), then
        after()."""
        slot = self.slot

        def run():
            for t in tests:
                self._run(t)
                if slot.failed is not None:
                    raise TestFailed(slot.failed)
            if after is not None:
                after()

        return run

    def make(self, indexes, cleanup=False):
        tests = tuple(self.tests[i] for i in indexes)
        return self._repeat(tests, regrtest_cleaner() if cleanup else None)

    def make_control(self, i):
        return self._repeat((control(self.tests[i]),))

    def others(self, i):
        return [x for k, x in enumerate(self.ids) if k != i]

    def module_of(self, i):
        """The module test i's class is defined in, or None."""
        return sys.modules.get(type(self.tests[i]).__module__)

    def make_fixtured(self, i):
        """A repetition of test i that tears its module and class down
        and sets them up again around it, as a regrtest -R repetition of
        the module does: for a test that needs its fixtures fresh (a
        counter that setUpModule resets, say)."""
        run = self._repeat((self.tests[i],))

        def fixtured():
            self._leave()
            run()

        return fixtured

    def close(self):
        self._leave()
