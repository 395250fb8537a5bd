# leakcheck: expect=leak
# leakcheck: source="sparse leak: only the error path keeps its request"
"""Only every tenth call leaks: the error path parks the request for good.

handle() succeeds nine times in ten; on the tenth (deterministic: a counter,
standing in for an upstream error) the request dict goes into a "retry
later" list that nothing ever drains. The heap grows by one request every
ten calls: a slow, sparse leak that must still be reported.
"""

import itertools

_ids = itertools.count()
retry_later = []


def handle(request):
    if request["id"] % 10 == 9:
        retry_later.append(request)
        return None
    return len(request["path"])


def run():
    handle({"id": next(_ids), "path": "/api/items"})


def teardown():
    retry_later.clear()
