# leakcheck: expect=clean
# leakcheck: source="tests/explain: a bounded history that is full after warm-up"
"""A deque(maxlen=5) of strings: full after the warm-up, nothing grows."""

import collections
import itertools

history = collections.deque(maxlen=5)
_ids = itertools.count()


def run():
    history.append("event %d" % next(_ids))
