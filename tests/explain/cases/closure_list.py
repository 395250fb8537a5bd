# leakcheck: expect=leak
# leakcheck: source="tests/explain: a list captured by a closure"
"""record() appends to a list only its closure can see."""

import itertools


def make_recorder():
    seen = []

    def record(item):
        seen.append(item)

    return record


record = make_recorder()
_ids = itertools.count()


def run():
    record({"event": next(_ids)})
