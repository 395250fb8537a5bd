"""pytest under repetition: every repetition is one plain pytest run.

A repetition of a group of items runs them in order as `pytest` runs them:
each item's nextitem is the next item of the group, the last one's is None,
so every enclosing node (class, module, package, session) is set up for the
group and torn down after it, with all its fixtures and finalizers; each
item inside the warnings plugin's per-test filters, as `pytest` has them.
Passing nextitem=item.parent instead keeps the parents up, and pytest
registers a wider fixture's finish() again on every request: a
unittest.TestCase item grew 14 blocks per call that way, flat with None
(issue 22).

What pytest records of each run is put back as one run leaves it:

- the item's report sections (captured logs) and user_properties;
- pytest_warning_recorded's historic call list (the warnings plugin adds a
  call per recorded warning) and the terminal reporter's stats;
- a doctest's globals, which doctest clears after each run;
- a test method's class instance: a fresh one per repetition, as each
  plain run has its own.

Nothing else is cleared: a cache the test fills is the test's.

make_control() builds the control of an item: an empty test in the same
class or module, with the same marks, parameters and fixtures except the
user's function-scoped ones (those run once per test in a plain run too:
growth there is the test's), run the same way. What it grows is the
harness's or the scaffolding's, never the test's.
"""

import contextlib
import inspect
import os
import shutil
import tempfile
import types
from time import perf_counter

from .common import TestFailed, freeze, outcome, parse_argv

_CACHE_DIR = None


def _cache_dir():
    """pytest's cache (the `cache` fixture, lastfailed) in a folder of our
    own: nothing is written into the user's project."""
    global _CACHE_DIR
    if _CACHE_DIR is None:
        _CACHE_DIR = tempfile.mkdtemp(prefix="leakcheck_pytest_cache_")
    return _CACHE_DIR


def remove_temp():
    if _CACHE_DIR is not None:
        shutil.rmtree(_CACHE_DIR, ignore_errors=True)


def pytest_argv(argv):
    operands, opts = parse_argv(argv)
    args = list(operands)
    for k in opts["-k"]:
        args += ["-k", k]
    for m in opts["-m"]:
        args += ["-m", m]
    # No output capture of the whole session (capsys and friends still
    # work per test), so a timeout's Python stack reaches the runner; the
    # cache in a temporary folder; the warnings plugin stays (its filters
    # and marks decide whether a test passes), its records are trimmed.
    args += ["-o", "cache_dir=" + _cache_dir(), "-s", "-q",
             "-p", "no:randomly"]
    return args, opts


def pytest_session(argv):
    import _pytest.config
    import _pytest.main

    args, opts = pytest_argv(argv)
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


def item_path(item):
    return str(getattr(item, "path", "") or item.fspath)


_MARKER_KEYS = ("expect", "skip", "time", "signals")


def marker_words(item):
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


def _noop():
    pass


def _warnings_of(item):
    """The warnings plugin's wrapper of pytest_runtest_protocol, which
    runtestprotocol() alone skips: its filters for the test ("always" for
    DeprecationWarning as `pytest` has them, the filterwarnings option and
    marks) and its records (put back with the others). Without it a test
    that counts the warnings it caught failed where `pytest` passes
    (ijson 3.2.0: 31 tests)."""
    try:
        from _pytest.warnings import catch_warnings_for_item
    except ImportError:  # a pytest without it: as before
        return contextlib.nullcontext()
    if not item.config.pluginmanager.has_plugin("warnings"):
        return contextlib.nullcontext()
    return catch_warnings_for_item(config=item.config, ihook=item.ihook,
                                   when="runtest", item=item)


def _noop_method(self):
    pass


class _Records:
    """Per-run records of the session, put back to their length before the
    run after it: the historic hook calls of pytest_warning_recorded and
    the terminal reporter's stats."""

    def __init__(self, config):
        hook = getattr(config.hook, "pytest_warning_recorded", None)
        self.history = getattr(hook, "_call_history", None)
        tr = config.pluginmanager.get_plugin("terminalreporter")
        self.stats = getattr(tr, "stats", None)

    def mark(self):
        h = len(self.history) if self.history is not None else 0
        s = None
        if isinstance(self.stats, dict):
            s = {k: len(v) for k, v in self.stats.items()
                 if isinstance(v, list)}
        return h, s

    def trim(self, mark):
        h, s = mark
        if self.history is not None and len(self.history) > h:
            del self.history[h:]
        if s is not None:
            for k in list(self.stats):
                if k not in s:
                    del self.stats[k]
                elif len(self.stats[k]) > s[k]:
                    del self.stats[k][s[k]:]


class PytestSession:
    def __init__(self, argv, first, count):
        self.config, self.session, opts = pytest_session(argv)
        self.cleanup = opts["--regrtest-cleanup"]
        self.items = self.session.items[first:first + count]
        self.ids = [it.nodeid for it in self.items]
        parents = []
        for it in self.items:
            if it.parent not in parents:
                parents.append(it.parent)
        self.keys = [parents.index(it.parent) for it in self.items]
        self._records = _Records(self.config)
        _settle_environ()
        self._props = {}
        self._globs = {}
        for it in self.items:
            self._props[it] = len(getattr(it, "user_properties", ()))
            dt = getattr(it, "dtest", None)
            if dt is not None and isinstance(getattr(dt, "globs", None), dict):
                # doctest clears a test's globals after running it.
                self._globs[it] = dict(dt.globs)

    # ------------------------------------------------------------ a run

    def _prepare(self, item):
        """What a plain run finds before an item runs: a doctest's
        globals, a fresh instance of a test method's class."""
        saved = self._globs.get(item)
        if saved is not None:
            item.dtest.globs.clear()
            item.dtest.globs.update(saved)
        obj = item.__dict__.get("_obj")
        cls = getattr(item.parent, "obj", None)
        if (inspect.ismethod(obj) and isinstance(cls, type)
                and isinstance(obj.__self__, cls)
                and hasattr(item.parent, "newinstance")):
            item._obj = obj.__func__.__get__(item.parent.newinstance())

    def _after(self, item):
        """Drop what pytest recorded of the run on the item."""
        sections = getattr(item, "_report_sections", None)
        if sections:
            sections.clear()
        props = getattr(item, "user_properties", None)
        if props is not None:
            del props[self._props.get(item, 0):]

    def run_items(self, items, reports=None):
        """One plain pytest run of items, in order: the first failure's
        text (or None); with reports, a (failed, skipped, seconds) triple
        per item appended to it."""
        from _pytest.runner import runtestprotocol

        first = None
        mark = self._records.mark()
        try:
            for k, item in enumerate(items):
                t0 = perf_counter() if reports is not None else 0
                nextitem = items[k + 1] if k + 1 < len(items) else None
                self._prepare(item)
                failed = skipped = None
                with _warnings_of(item):
                    reps = runtestprotocol(item, log=False, nextitem=nextitem)
                for rep in reps:
                    if rep.failed and failed is None:
                        failed = "%s (%s)\n%s" % (item.nodeid, rep.when,
                                                 rep.longreprtext)
                    elif rep.skipped and skipped is None:
                        lr = rep.longrepr
                        skipped = lr[2] if isinstance(lr, tuple) else str(lr)
                        if getattr(rep, "wasxfail", None) is not None:
                            skipped = "xfail: %s" % (rep.wasxfail or skipped)
                self._after(item)
                if reports is not None:
                    reports.append((failed, skipped, perf_counter() - t0))
                if failed is not None and first is None:
                    first = failed
        finally:
            self._records.trim(mark)
            # A failure inside a group must not leave its nodes up.
            self.session._setupstate.teardown_exact(None)
        return first

    def first_run(self):
        """Run each test once: [(status, text, seconds)] (common.outcome
        and the run's time, which a split by cost reads, suite.c)."""
        reports = []
        self.run_items(list(self.items), reports)
        freeze()
        return [outcome(failed, skipped) + (seconds,)
                for failed, skipped, seconds in reports]

    def first_alone(self, i):
        """Run test i once on its own (the plain run before a judgement
        alone): None, or its failure."""
        failed = self.run_items([self.items[i]])
        freeze()
        return failed

    def make(self, indexes, cleanup=False):
        from .common import regrtest_cleaner

        items = [self.items[i] for i in indexes]
        run_items = self.run_items
        clear = regrtest_cleaner() if cleanup else None

        def run():
            failed = run_items(items)
            if failed is not None:
                raise TestFailed(failed)
            if clear is not None:
                clear()

        return run

    def make_control(self, i):
        """The control of test i (see the module's doc), or None when its
        item kind has none."""
        ctl = _control_item(self.items[i])
        if ctl is None:
            return None
        run_items = self.run_items

        def run():
            failed = run_items([ctl])
            if failed is not None:
                raise TestFailed(failed)

        return run

    def others(self, i):
        return [x for k, x in enumerate(self.ids) if k != i]

    def module_of(self, i):
        """The module item i's test function lives in, or None (a doctest
        or a plugin's item has none)."""
        try:
            mod = self.items[i].module
        except Exception:
            return None
        return mod if isinstance(mod, types.ModuleType) else None

    def make_fixtured(self, i):
        """Every repetition already sets the fixtures up: no variant."""
        return None

    def close(self):
        try:
            self.session._setupstate.teardown_exact(None)
        except BaseException:
            pass
        try:
            self.config.hook.pytest_sessionfinish(session=self.session,
                                                  exitstatus=0)
        except BaseException:
            pass
        self.config._ensure_unconfigure()


def _settle_environ():
    """pytest sets PYTEST_CURRENT_TEST and deletes it three times per test:
    os.environ's dict fills with deleted slots and is resized, once to a
    larger table (+2.2 kB of py_bytes at some early repetition, a step a
    screen of 10 runs must not see), then to the same size. Churn it
    through that first resize before anything is measured."""
    key = "PYTEST_CURRENT_TEST"
    saved = os.environ.get(key)
    for _ in range(300):
        os.environ[key] = "leakcheck"
        del os.environ[key]
    if saved is not None:
        os.environ[key] = saved


def _scaffolding(name, defs):
    """Whether the control requests fixture name: every fixture wider than
    a function, and pytest's own function fixtures (caplog, tmp_path,
    monkeypatch...), but not the user's function fixtures or xunit
    setup_method/setup_function, which are the test's own per-run code."""
    if name == "request":
        return True
    if not defs:
        return False
    fd = defs[-1]
    scope = getattr(fd, "scope", "function")
    if getattr(scope, "value", scope) != "function":
        return True
    if name.startswith("_xunit_setup"):
        return False
    mod = getattr(getattr(fd, "func", None), "__module__", "") or ""
    return mod.startswith("_pytest.")


def _control_item(item):
    from _pytest.fixtures import FuncFixtureInfo
    from _pytest.python import Function
    from _pytest.unittest import TestCaseFunction

    fi = getattr(item, "_fixtureinfo", None)
    if fi is None or not isinstance(item, Function):
        return None
    if isinstance(item, TestCaseFunction):
        # setUp, the test and tearDown are the test's own: none of them.
        ctl = TestCaseFunction.from_parent(item.parent, name=item.name)
        ctl.runtest = _noop
        return ctl
    keep = [n for n in fi.names_closure
            if _scaffolding(n, fi.name2fixturedefs.get(n))]
    info = FuncFixtureInfo(
        argnames=(), initialnames=tuple(keep), names_closure=keep,
        name2fixturedefs={n: fi.name2fixturedefs[n] for n in keep
                          if n in fi.name2fixturedefs})
    cls = getattr(item.parent, "obj", None)
    if isinstance(cls, type) and hasattr(item.parent, "newinstance"):
        callobj = types.MethodType(_noop_method, item.parent.newinstance())
    else:
        callobj = _noop
    kw = {"name": item.name, "callobj": callobj, "fixtureinfo": info,
          "originalname": item.originalname}
    if hasattr(item, "callspec"):
        kw["callspec"] = item.callspec
    ctl = Function.from_parent(item.parent, **kw)
    ctl.own_markers[:] = list(item.own_markers)
    return ctl


__all__ = ["PytestSession", "pytest_session", "item_path", "remove_temp"]
