# leakcheck: expect=leak
# leakcheck: source="planted: the runner's own calibration leak (PLATFORM.md, counting allocations)"
"""Keeps exactly one object() per call in a pre-allocated list slot.

The slots list is allocated once in setup(), large enough for any run the
runner allows (warm-up and measured iterations are each at most 100000), so
storing into it allocates nothing. The only allocation an iteration keeps is
the object itself: 16 bytes, not tracked by the collector (no gc header).
Growth must read exactly +1 py_blocks and +16 py_bytes per iteration.
"""

import itertools

slots = None
index = None


def setup():
    global slots, index
    slots = [None] * 200_001
    index = itertools.count()


def run():
    slots[next(index)] = object()


def teardown():
    global slots
    slots = None
