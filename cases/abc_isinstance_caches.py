# leakcheck: expect=clean
# leakcheck: source="issue 3: ABC subclass caches"
"""isinstance() against abstract base classes, on a few concrete types.

abc keeps per-ABC caches of the classes it has checked (WeakSets of
positive and negative results): they fill on the first calls, for the
handful of classes seen, then stay as they are.
"""
import collections.abc
import numbers


class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y


_values = [Point(1, 2), 3, 2.5, "s", (1,), {}, frozenset()]


def run():
    for v in _values:
        isinstance(v, collections.abc.Hashable)
        isinstance(v, collections.abc.Sized)
        isinstance(v, numbers.Number)
