# leakcheck: expect=leak
# leakcheck: source="mutable default argument shared between calls"
"""A mutable default argument that accumulates across calls.

collect(item, seen=[]) means to start from an empty list each call, but the
default list is created once, with the function, and shared: every call
appends to the same list, which grows by one item per call.
"""


def collect(item, seen=[]):
    seen.append(item)
    return len(seen)


def run():
    collect(["payload"])


def teardown():
    collect.__defaults__[0].clear()
