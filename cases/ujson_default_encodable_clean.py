# leakcheck: expect=clean
# leakcheck: source="ultrajson/ultrajson#727, the clean twin of ujson_default_max_depth_leak.py"
"""A default= function that returns something encodable at once: the
object it returned is released with its type context."""

import ujson


class Opaque:
    """Nothing ujson can encode by itself."""


def encodable(obj):
    return 1


def run():
    ujson.dumps(Opaque(), default=encodable)
