# leakcheck: expect=leak
# leakcheck: source="seed article, functools.lru_cache without a bound"
"""functools.lru_cache(maxsize=None) called with a new key on every call.

With no bound the cache is a plain dict that is never trimmed: every unique
argument adds an entry (the key, the result list) that stays forever.
"""

import functools
import itertools

_keys = itertools.count()


@functools.lru_cache(maxsize=None)
def square(n):
    return [n, n * n]


def run():
    square(next(_keys) + 1_000)


def teardown():
    square.cache_clear()
