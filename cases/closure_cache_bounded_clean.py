# leakcheck: expect=clean
# leakcheck: source="memoizing closure with an unbounded dict (the fix: a bounded cache)"
"""The memoizing closure of closure_cache_grows.py, bounded to 32 entries.

When the dict is full the oldest entry is dropped before the new one goes in
(dicts keep insertion order), so the closure's cache fills during warm-up and
then stays at 32 entries.
"""

import itertools


def memoize(fn, limit=32):
    cache = {}

    def wrapper(*args):
        try:
            return cache[args]
        except KeyError:
            if len(cache) >= limit:
                del cache[next(iter(cache))]
            result = cache[args] = fn(*args)
            return result

    return wrapper


@memoize
def render(user_id):
    return f"<user id={user_id}>"


_ids = itertools.count(1_000)


def run():
    render(next(_ids))
