# leakcheck: expect=leak
# leakcheck: source="gc.set_debug(gc.DEBUG_SAVEALL) left on after debugging"
"""gc.DEBUG_SAVEALL left on: every collected cycle is kept in gc.garbage.

A debugging flag left in setup(): with DEBUG_SAVEALL the collector appends
every unreachable object to gc.garbage instead of freeing it. Each call makes
one small parent/child cycle and drops it; the collector finds it and saves
it, so gc.garbage grows by a cycle per call even though the collector runs.
"""

import gc


class Node:
    def __init__(self):
        self.other = None


def setup():
    gc.set_debug(gc.DEBUG_SAVEALL)


def run():
    a = Node()
    b = Node()
    a.other = b
    b.other = a


def teardown():
    gc.set_debug(0)
    gc.garbage.clear()
    gc.collect()
