"""What both suite kinds share: the argv the C side passes, the failure
a repetition raises, regrtest's cache clearing."""

import gc
import re
import sys

__all__ = ["TestFailed", "parse_argv", "regrtest_cleaner", "freeze"]


class TestFailed(Exception):
    """A test failed or errored under repetition; args[0] names it."""


def outcome(failed, skipped):
    """A first run's result as the C side reads it: ("error", traceback),
    ("skip", reason) or ("ok", "")."""
    if failed is not None:
        return ("error", failed)
    if skipped is not None:
        return ("skip", skipped)
    return ("ok", "")


def parse_argv(argv):
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


def regrtest_cleaner():
    """regrtest -R's clearing between repetitions (a second opinion only)."""
    try:
        from test.libregrtest.utils import clear_caches
    except ImportError:
        clear_caches = None

    def clear():
        if clear_caches is not None:
            clear_caches()
        re.purge()
        sys._clear_type_cache()

    return clear


def freeze():
    """After the first run, before any reading: what the import and the
    first run made goes to the collector's permanent generation, so each
    reading's full collection walks only what repetitions make. With
    pytest and a suite loaded a collection took 27 ms, most of a
    judgement's cost; frozen, about 1 ms. Nothing is freed or cleared: a
    leak is made of new objects, which stay in the collected generations,
    and the refs walk (src/refs.h) still reads the permanent generation.
    Repetitions of a test that looks for those objects through the
    collector (gc.get_referrers, gc.get_objects) may fail: such a test is
    reported not repeatable, never an error."""
    gc.collect()
    gc.freeze()
