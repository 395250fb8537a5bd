"""What both suite kinds share: the argv the C side passes, the failure
a repetition raises, regrtest's cache clearing."""

import re
import sys

__all__ = ["TestFailed", "parse_argv", "regrtest_cleaner"]


class TestFailed(Exception):
    """A test failed or errored under repetition; args[0] names it."""


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
