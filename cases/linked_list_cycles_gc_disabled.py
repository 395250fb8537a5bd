# leakcheck: expect=leak
# leakcheck: source="seed article, doubly linked list example"
"""Doubly linked list whose prev/next links form cycles, with gc disabled.

setup() calls gc.disable() (as some latency-sensitive programs do). Each call
builds a 50-node doubly linked list and drops it; every node is in a
reference cycle with its neighbours, so reference counting alone never frees
them and with the collector off they pile up for good.
"""

import gc


class Node:
    def __init__(self, value):
        self.value = value
        self.prev = None
        self.next = None


def build(n):
    head = tail = Node(0)
    for i in range(1, n):
        node = Node(i)
        node.prev = tail
        tail.next = node
        tail = node
    return head


def setup():
    gc.disable()


def run():
    build(50)


def teardown():
    gc.enable()
    gc.collect()
