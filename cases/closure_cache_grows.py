# leakcheck: expect=leak
# leakcheck: source="memoizing closure with an unbounded dict"
"""A memoizing decorator whose closure dict is never trimmed.

memoize() keeps results in a dict captured by the wrapper's closure. Nothing
outside can see or clear it, and the function is called with a new argument
on every call, so the hidden dict gains one entry (key tuple and result
string) per call.
"""

import itertools


def memoize(fn):
    cache = {}

    def wrapper(*args):
        try:
            return cache[args]
        except KeyError:
            result = cache[args] = fn(*args)
            return result

    return wrapper


@memoize
def render(user_id):
    return f"<user id={user_id}>"


_ids = itertools.count(1_000)


def run():
    render(next(_ids))
