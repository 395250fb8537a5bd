# leakcheck: expect=clean
# leakcheck: source="bounded history kept in collections.deque(maxlen=...)"
"""A request history kept in collections.deque(maxlen=20).

Each call appends a record dict; once 20 are held (during warm-up) each
append drops the oldest, so the history stays at 20 records.
"""

import collections
import itertools

history = collections.deque(maxlen=20)
_ids = itertools.count()


def run():
    history.append({"id": next(_ids), "path": "/index", "status": 200})
