# leakcheck: expect=clean
# leakcheck: source="issue 3: a bounded cache that fills over its first thousand keys"
"""An lru_cache(maxsize=1000) fed a new key on every call.

For its first thousand calls every call adds an entry (a key, a result list
and a link node): exactly what a leak looks like. Then the cache is full and
each new entry evicts the oldest, so memory stays flat. A fixed, short run
(regrtest's 3:3) calls this a leak; leakcheck keeps going until the growth
stops and calls it clean.
"""
import functools
import itertools

_keys = itertools.count()


@functools.lru_cache(maxsize=1000)
def lookup(key):
    return [key, key * 2]


def run():
    lookup(next(_keys))
