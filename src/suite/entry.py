"""The suite adapter: run a user's own tests under leakcheck's measured loop.

Built into the program (cmake/embed_modules.cmake) as _leakcheck_suite.entry
and called from src/suite/suite.c, in a worker:

    collect(kind, argv, out_path)   list the tests, one "id\\tpath" line each
                                    (pytest: "\\tmarker words" after)
    open(kind, argv, first, count)  a Session over tests [first, first+count)

kind is "unittest" or "pytest"; argv the command's operands and selection
options (see src/cmd/suitecmd.c). A Session imports the tests once, sets up
module and class fixtures (unittest) once, and makes callables that run a
chosen set of its tests once each, raising TestFailed on the first failure;
the C side calls them between its readings. Those callables keep nothing
between calls: results are noted in one fixed slot, never appended.
"""

import fnmatch
import os
import shutil
import sys
import tempfile
import traceback

__all__ = ["collect", "open", "TestFailed"]


class TestFailed(Exception):
    """A test failed or errored under repetition; args[0] names it."""


# ---------------------------------------------------------------- argv


def _parse(argv):
    """operands, and {-k, -m, -u, --regrtest-cleanup} as the C side passes
    them: one word each, options before their value."""
    opts = {"-k": [], "-m": [], "-u": [], "--regrtest-cleanup": False}
    operands = []
    it = iter(argv)
    for word in it:
        if word in ("-k", "-m", "-u"):
            opts[word].append(next(it))
        elif word == "--regrtest-cleanup":
            opts[word] = True
        else:
            operands.append(word)
    return operands, opts


# ------------------------------------------------------------ unittest


def _cpython_knobs(resources):
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
    import unittest

    if os.path.isdir(target):
        top = os.path.abspath(target)
        return _flat(loader.discover(top, pattern="test*.py", top_level_dir=top))
    if os.path.isfile(target) and target.endswith(".py"):
        folder, name = os.path.split(os.path.abspath(target))
        if folder not in sys.path:
            sys.path.insert(0, folder)
        target = name[:-3]
    if target.startswith("test.") or target == "test":
        _cpython_knobs(_RESOURCES)
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


def _flat(suite):
    out = []
    _flatten(suite, out)
    return out


_RESOURCES = []


def _unittest_tests(argv):
    import unittest

    global _RESOURCES
    operands, opts = _parse(argv)
    _RESOURCES = [r for u in opts["-u"] for r in u.split(",") if r]
    loader = unittest.TestLoader()
    tests = []
    for target in operands:
        tests.extend(_load_target(loader, target))
    pats = ["*%s*" % p if "*" not in p else p for p in opts["-k"]]
    if pats:
        tests = [t for t in tests
                 if any(fnmatch.fnmatchcase(t.id(), p) for p in pats)]
    return tests, opts


def _unittest_path(t):
    mod = sys.modules.get(type(t).__module__)
    return getattr(mod, "__file__", None) or type(t).__module__


class _Slot:
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


class _UnittestSession:
    def __init__(self, argv, first, count):
        tests, opts = _unittest_tests(argv)
        self.tests = tests[first:first + count]
        self.ids = [t.id() for t in self.tests]
        self.cleanup = opts["--regrtest-cleanup"]
        self.slot = _Slot()
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

    def first_run(self):
        """Run each test once: [(status, text)], status ok, error, skip."""
        out = []
        for i, t in enumerate(self.tests):
            cls = type(t)
            why = self._broken.get(cls) or self._broken.get(sys.modules.get(cls.__module__))
            if why is not None:
                out.append(("error", "%s\nfixture failed:\n%s" % (t.id(), why)))
                continue
            s = self.slot
            s.clear()
            t.run(s)
            if s.failed is not None:
                out.append(("error", s.failed))
            elif s.skipped is not None:
                out.append(("skip", s.skipped))
            else:
                out.append(("ok", ""))
        return out

    def make(self, indexes, cleanup=False):
        tests = tuple(self.tests[i] for i in indexes)
        slot = self.slot
        clear = _regrtest_cleaner() if cleanup else None

        def run():
            for t in tests:
                slot.failed = None
                t.run(slot)
                if slot.failed is not None:
                    raise TestFailed(slot.failed)
            if clear is not None:
                clear()

        return run

    def fresh(self, i):
        """Run test i once more on a new instance: None if it passes."""
        t = self.tests[i]
        new = type(t)(t._testMethodName)
        self.slot.clear()
        new.run(self.slot)
        return self.slot.failed

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
            t.run(slot)
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


def _regrtest_cleaner():
    """regrtest -R's clearing between repetitions (a second opinion only)."""
    try:
        from test.libregrtest.utils import clear_caches
    except ImportError:
        clear_caches = None
    import re

    def clear():
        if clear_caches is not None:
            clear_caches()
        re.purge()
        sys._clear_type_cache()

    return clear


# -------------------------------------------------------------- pytest


def _pytest_argv(argv):
    operands, opts = _parse(argv)
    args = list(operands)
    for k in opts["-k"]:
        args += ["-k", k]
    for m in opts["-m"]:
        args += ["-m", m]
    # No cache files; no warnings plugin (it records every warning in a
    # hook history that grows per call); no output capture of the whole
    # session (capsys and friends still work per test), so a timeout's
    # Python stack reaches the runner.
    args += ["-p", "no:cacheprovider", "-p", "no:warnings", "-s", "-q",
             "-p", "no:randomly"]
    return args, opts


def _pytest_session(argv):
    import _pytest.config
    import _pytest.main

    args, opts = _pytest_argv(argv)
    config = _pytest.config._prepareconfig(args, [])
    # The leakcheck marker is ours: known even under --strict-markers.
    config.addinivalue_line(
        "markers", "leakcheck(expect, skip, time, signals): leakcheck's "
        "settings for this test (as [[tool.leakcheck.overrides]])")
    config._do_configure()
    session = _pytest.main.Session.from_config(config)
    session.exitstatus = 0
    config.hook.pytest_sessionstart(session=session)
    config.hook.pytest_collection(session=session)
    return config, session, opts


_MARKER_KEYS = ("expect", "skip", "time", "signals")


def _marker_words(item):
    """The item's leakcheck marker as words key=value (pyproject.h's
    settings, read by the runner); an unknown key is an error naming the
    test and the key."""
    mark = item.get_closest_marker("leakcheck")
    if mark is None:
        return ""
    if mark.args:
        raise ValueError("%s: @pytest.mark.leakcheck takes keywords only (%s)"
                         % (item.nodeid, ", ".join(_MARKER_KEYS)))
    words = []
    for key, value in mark.kwargs.items():
        if key not in _MARKER_KEYS:
            raise ValueError("%s: @pytest.mark.leakcheck: unknown key %r (keys: %s)"
                             % (item.nodeid, key, ", ".join(_MARKER_KEYS)))
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, (list, tuple)):
            value = ",".join(str(v) for v in value)
        words.append("%s=%s" % (key, "".join(str(value).split())))
    return " ".join(words)


def _pytest_path(item):
    return str(getattr(item, "path", "") or item.fspath)


class _PytestSession:
    def __init__(self, argv, first, count):
        self.config, self.session, opts = _pytest_session(argv)
        self.cleanup = opts["--regrtest-cleanup"]
        self.items = self.session.items[first:first + count]
        self.ids = [it.nodeid for it in self.items]
        parents = []
        for it in self.items:
            if it.parent not in parents:
                parents.append(it.parent)
        self.keys = [parents.index(it.parent) for it in self.items]
        self._marks = None

    def _mark(self):
        """Lengths of pytest's finalizer lists once every test ran once."""
        st = self.session._setupstate.stack
        fm = self.session._fixturemanager
        self._marks = (
            [(fins, len(fins)) for fins, _ in st.values()],
            [(fd._finalizers, len(fd._finalizers))
             for fds in fm._arg2fixturedefs.values() for fd in fds],
        )

    def _trim(self):
        """pytest registers a wider fixture's finish() again each time a
        test requests it (on the module node, and on the fixtures it
        depends on): in one session that is bounded by the number of
        tests, under repetition it grows. The repeats are duplicates of
        the first registration: drop them."""
        if self._marks is None:
            return
        for lists in self._marks:
            for fins, n in lists:
                if len(fins) > n:
                    del fins[n:]

    def _once(self, item):
        """Run item's setup, call and teardown once; function fixtures are
        made and finalized, wider ones stay for the next run. Returns
        (failed text or None, skip reason or None)."""
        from _pytest.runner import runtestprotocol

        failed = skipped = None
        # Tear down what item does not need (another module's fixtures):
        # nothing when the previous item had the same parents.
        self.session._setupstate.teardown_exact(item)
        for rep in runtestprotocol(item, log=False, nextitem=item.parent):
            if rep.failed and failed is None:
                failed = "%s (%s)\n%s" % (item.nodeid, rep.when, rep.longreprtext)
            elif rep.skipped and skipped is None:
                lr = rep.longrepr
                skipped = lr[2] if isinstance(lr, tuple) else str(lr)
                if getattr(rep, "wasxfail", None) is not None:
                    skipped = "xfail: %s" % (rep.wasxfail or skipped)
        self._trim()
        return failed, skipped

    def first_run(self):
        out = []
        for it in self.items:
            failed, skipped = self._once(it)
            if failed is not None:
                out.append(("error", failed))
            elif skipped is not None:
                out.append(("skip", skipped))
            else:
                out.append(("ok", ""))
        self._mark()
        return out

    def make(self, indexes, cleanup=False):
        items = tuple(self.items[i] for i in indexes)
        once = self._once
        clear = _regrtest_cleaner() if cleanup else None

        def run():
            for it in items:
                failed, _ = once(it)
                if failed is not None:
                    raise TestFailed(failed)
            if clear is not None:
                clear()

        return run

    def fresh(self, i):
        return self._once(self.items[i])

    def make_fixtured(self, i):
        """pytest sets wider fixtures up per scope; no variant here."""
        return None[0]

    def close(self):
        try:
            self.session._setupstate.teardown_exact(None)
        except BaseException:
            pass
        try:
            self.config.hook.pytest_sessionfinish(session=self.session, exitstatus=0)
        except BaseException:
            pass
        self.config._ensure_unconfigure()


# ------------------------------------------------------------ the doors


def collect(kind, argv, out_path):
    """Write one line per test: its id, a tab, the file that defines it."""
    lines = []
    argv = _absolute(argv)
    if kind == "unittest":
        tests, _ = _unittest_tests(argv)
        lines = ["%s\t%s" % (t.id(), _unittest_path(t)) for t in tests]
    else:
        config, session, _ = _pytest_session(argv)
        lines = ["%s\t%s\t%s" % (it.nodeid, _pytest_path(it), _marker_words(it))
                 for it in session.items]
        config._ensure_unconfigure()
    with _builtin_open(out_path, "w", encoding="utf-8", errors="backslashreplace") as f:
        for line in lines:
            f.write(line.replace("\n", " ") + "\n")
    return len(lines)


def _absolute(argv):
    """Paths made absolute before the temporary folder becomes the cwd;
    collect does the same, so both see the same tests in the same order."""
    return [os.path.abspath(a) if os.path.exists(a) else a for a in argv]


_builtin_open = open
_TEMP = None


def open(kind, argv, first, count):  # noqa: A001 - the door's name
    global _TEMP
    argv = _absolute(argv)
    if kind == "unittest" and any(a.startswith("test.") or a == "test" for a in argv):
        _TEMP = tempfile.mkdtemp(prefix="leakcheck_suite_")
        os.chdir(_TEMP)
    if kind == "unittest":
        return _UnittestSession(argv, first, count)
    return _PytestSession(argv, first, count)


def remove_temp():
    if _TEMP is not None:
        shutil.rmtree(_TEMP, ignore_errors=True)
