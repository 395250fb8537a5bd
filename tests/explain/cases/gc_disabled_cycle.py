# leakcheck: expect=leak
# leakcheck: source="tests/explain: reference cycles with the collector off"
"""Each call builds a two-node doubly linked pair and drops it; gc is disabled."""

import gc


class Node:
    def __init__(self):
        self.next = None
        self.prev = None


def setup():
    gc.disable()


def run():
    a = Node()
    b = Node()
    a.next = b
    b.prev = a


def teardown():
    gc.enable()
    gc.collect()
