# leakcheck: expect=clean
# leakcheck: source="planted: clean twin of planted_one_object_leak.py"
"""Creates one object() per call and drops it: nothing is kept.

Same shape as planted_one_object_leak.py (a pre-allocated slots list and a
counter) but the object is created and let go, so every signal must read 0
growth per iteration.
"""

import itertools

slots = None
index = None


def setup():
    global slots, index
    slots = [None] * 200_001
    index = itertools.count()


def run():
    next(index)
    object()


def teardown():
    global slots
    slots = None
