# leakcheck: expect=leak
# leakcheck: source="bpo-27535: warnings registry grows with unique messages"
"""warnings.warn with a different message on every call, action "default".

The "default" action shows a warning once per (message, category, line):
to know it has been shown, the warnings machinery stores the key in the
calling module's __warningregistry__. With a new message each time, that
dict gains an entry per call, forever. (showwarning is replaced with a no-op
so nothing is printed.)
"""

import itertools
import warnings

_ids = itertools.count()
_saved = None


def _quiet(*args, **kwargs):
    pass


def setup():
    global _saved
    _saved = warnings.showwarning
    warnings.showwarning = _quiet
    warnings.simplefilter("default", UserWarning)


def run():
    warnings.warn(f"record {next(_ids)} is malformed", UserWarning)


def teardown():
    warnings.showwarning = _saved
    warnings.resetwarnings()
    globals().pop("__warningregistry__", None)
