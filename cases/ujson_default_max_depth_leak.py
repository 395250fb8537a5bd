# leakcheck: expect=leak
# leakcheck: source="ultrajson/ultrajson#727 (INVALID label of Object_beginTypeContext; fixed in ujson 5.12.1; bookworm's python3-ujson 5.7.0 leaks)"
"""A default= function that keeps returning objects ujson cannot encode hits
DEFAULT_FN_MAX_DEPTH; the INVALID path of Object_beginTypeContext() frees
its type context without releasing the object default() returned last, so
one object per call is never freed (the TypeError "maximum recursion depth
exceeded" is raised as it should be). Verified outside leakcheck on 3.11.2
with python3-ujson 5.7.0: sys.getallocatedblocks() +2.03 per call over 2000
calls; a default= that returns an int reads +0.00
(ujson_default_encodable_clean.py)."""

import ujson


class Opaque:
    """Nothing ujson can encode."""


def again(obj):
    return Opaque()


def run():
    try:
        ujson.dumps(Opaque(), default=again)
    except TypeError:
        pass
