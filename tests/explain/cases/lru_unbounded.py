# leakcheck: expect=leak
# leakcheck: source="tests/explain: functools.lru_cache without a bound"
"""lru_cache(maxsize=None) fed a new key per call keeps every result list."""

import functools
import itertools

_keys = itertools.count(1000)


@functools.lru_cache(maxsize=None)
def square(n):
    return [n, n * n]


def run():
    square(next(_keys))
