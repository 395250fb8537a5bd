# leakcheck: expect=clean
# leakcheck: source="seed article, functools.lru_cache with a bound"
"""functools.lru_cache(maxsize=16) called with a new key on every call.

Every key is unique, so every call is a miss and adds an entry; but the cache
is bounded: once it holds 16 entries (during warm-up) each new entry evicts
the least recently used one, and the cache stays at 16 entries.
"""

import functools
import itertools

_keys = itertools.count()


@functools.lru_cache(maxsize=16)
def square(n):
    return [n, n * n]


def run():
    square(next(_keys) + 1_000)


def teardown():
    square.cache_clear()
