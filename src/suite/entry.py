"""The suite adapter: run a user's own tests under leakcheck's measured loop.

Built into the program (cmake/embed_modules.cmake) as _leakcheck_suite.entry
and called from src/suite/suite.c, in a worker:

    collect(kind, argv, out_path)   list the tests, one "id\\tpath" line each
                                    (pytest: "\\tmarker words" after)
    open(kind, argv, first, count)  a Session over tests [first, first+count)

kind is "unittest" or "pytest"; argv the command's operands and selection
options (see src/cmd/suitecmd.c). A Session (unittest_session.py,
pytest_session.py) imports the tests once, keeps their module and class
fixtures up as a plain run does, and makes callables that run a chosen set
of its tests once each, raising TestFailed on the first failure; the C side
calls them between its readings. Each call is one plain run of those tests,
and leaves the frameworks' records as one plain run leaves them (issue 22).
A Session also answers:

    first_run()          each test once: [(status, text, seconds)]
    first_alone(i)       test i once, for a judgement alone: None or failure
    make(indexes)        the callable repeating those tests
    make_control(i)      the callable repeating test i's control (an empty
                         test with its scaffolding), or None
    others(i)            the ids of the slice's other tests
    module_of(i)         the module test i is defined in, or None
    can_fork()           whether the worker may fork (one thread)

and explain_subject(session) hands a session over one test to the explain
pass (src/explain/explain.h): its first run, then its module and the
callable that repeats it, the verdict's own.
"""

import gc
import os
import shutil
import sys
import tempfile
import threading
import types

from . import pytest_session, unittest_session
from .common import TestFailed

__all__ = ["collect", "open", "explain_subject", "TestFailed"]


def _absolute(argv):
    """Paths made absolute before the temporary folder becomes the cwd;
    collect does the same, so both see the same tests in the same order."""
    return [os.path.abspath(a) if os.path.exists(a) else a for a in argv]


def collect(kind, argv, out_path):
    """Write one line per test: its id, a tab, the file that defines it
    (pytest: a tab and its leakcheck marker's words)."""
    argv = _absolute(argv)
    if kind == "unittest":
        unittest_session.cwd_on_path(os.getcwd())
        tests, _ = unittest_session.unittest_tests(argv)
        lines = ["%s\t%s" % (t.id(), unittest_session.test_path(t))
                 for t in tests]
    else:
        config, session, _ = pytest_session.pytest_session(argv)
        lines = ["%s\t%s\t%s" % (it.nodeid, pytest_session.item_path(it),
                                   pytest_session.marker_words(it))
                 for it in session.items]
        config._ensure_unconfigure()
        pytest_session.remove_temp()
    with _builtin_open(out_path, "w", encoding="utf-8", errors="backslashreplace") as f:
        for line in lines:
            f.write(line.replace("\n", " ") + "\n")
    return len(lines)


_builtin_open = open
_TEMP = None


def _can_fork():
    """A worker forks to judge each group and test on its own copy; with
    a thread besides the main one running, a child could inherit a lock
    held forever: then it judges in its own process, as before."""
    return threading.active_count() == 1 and hasattr(os, "fork")


def _unbuffered_text():
    """A worker's stdout is /dev/null, not a terminal: a block-buffered
    TextIOWrapper keeps each print's strings in a list until 8 KiB are
    pending, growth a test that prints does not have under a plain run
    (output captured) or on a terminal. Writes go straight through."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(write_through=True)
        except (AttributeError, ValueError, OSError):
            pass


def open(kind, argv, first, count):  # noqa: A001 - the door's name
    global _TEMP
    argv = _absolute(argv)
    _unbuffered_text()
    if kind == "unittest":
        unittest_session.cwd_on_path(os.getcwd())
    if kind == "unittest" and any(a.startswith("test.") or a == "test" for a in argv):
        _TEMP = tempfile.mkdtemp(prefix="leakcheck_suite_")
        os.chdir(_TEMP)
    if kind == "unittest":
        sess = unittest_session.UnittestSession(argv, first, count)
    else:
        sess = pytest_session.PytestSession(argv, first, count)
    sess.can_fork = _can_fork
    return sess


def explain_subject(sess):
    """The explain pass's subject: the session's one test run once, as the
    verdict's first run, then (None, the module the report names things
    by, the callable that is one repetition), or (why not, None, None).
    The collector is left unfrozen: the pass walks its lists and follows
    referrers, and the permanent generation is part of neither."""
    ((status, text, _),) = sess.first_run()
    gc.unfreeze()
    if status != "ok":
        return ("%s on its first run:\n%s"
                % ("skipped" if status == "skip" else "failed", text),
                None, None)
    mod = sess.module_of(0)
    if mod is None:  # a doctest: names from a module of its id
        mod = types.ModuleType(sess.ids[0])
    return None, mod, sess.make((0,))


def remove_temp():
    if _TEMP is not None:
        shutil.rmtree(_TEMP, ignore_errors=True)
    pytest_session.remove_temp()
