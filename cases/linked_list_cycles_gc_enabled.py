# leakcheck: expect=clean
# leakcheck: source="seed article, doubly linked list example"
"""Doubly linked list whose prev/next links form cycles, gc left on.

The same 50-node list as linked_list_cycles_gc_disabled.py. Reference
counting cannot free the cycles, but the cyclic collector (enabled, as by
default) does, so the heap does not keep growing.
"""


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


def run():
    build(50)
