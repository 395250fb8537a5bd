# leakcheck: expect=leak
# leakcheck: source="unbounded history kept in a plain list (the leaky twin of deque_maxlen_history.py)"
"""A request history kept in a plain list that is never trimmed.

Each call appends a record dict to a module-level list; nothing ever drops
old records, so one dict per call stays alive.
"""

import itertools

history = []
_ids = itertools.count()


def run():
    history.append({"id": next(_ids), "path": "/index", "status": 200})


def teardown():
    history.clear()
