# leakcheck: expect=clean
# leakcheck: source="issue 3: typing caches"
"""typing.Literal subscripted with a new value on every call.

typing memoizes subscriptions in bounded lru_caches (typing._tp_cache,
128 entries per generic by default): the first calls fill it with aliases
for new values, then old ones are evicted as new ones come. Bounded, so
clean, though it grows for over a hundred calls first.
"""
import itertools
import typing

_values = itertools.count()


def run():
    alias = typing.Literal[next(_values)]
    typing.get_args(alias)
