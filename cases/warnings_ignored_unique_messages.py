# leakcheck: expect=clean
# leakcheck: source="bpo-27535: warnings registry grows with unique messages (fixed in 3.7 for ignore)"
"""warnings.warn with a different message on every call, action "ignore".

Before Python 3.7, even ignored warnings were recorded in the caller's
__warningregistry__, so unique messages grew it forever (bpo-27535). Since
the fix, an ignored warning stores nothing, and this is clean.
"""

import itertools
import warnings

_ids = itertools.count()


def setup():
    warnings.simplefilter("ignore", UserWarning)


def run():
    warnings.warn(f"record {next(_ids)} is malformed", UserWarning)


def teardown():
    warnings.resetwarnings()
