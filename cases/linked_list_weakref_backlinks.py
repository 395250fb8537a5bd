# leakcheck: expect=clean
# leakcheck: source="seed article, doubly linked list with weakref back-links"
"""Doubly linked list whose back-links are weak references.

node.next is a strong reference, node.prev a weakref.ref to the previous
node, so there is no reference cycle: when the head is dropped, reference
counting frees the whole list at once, collector or not. setup() turns gc
off to show the list does not need it.
"""

import gc
import weakref


class Node:
    __slots__ = ("value", "next", "_prev", "__weakref__")

    def __init__(self, value):
        self.value = value
        self.next = None
        self._prev = None

    @property
    def prev(self):
        return self._prev() if self._prev is not None else None


def build(n):
    head = tail = Node(0)
    for i in range(1, n):
        node = Node(i)
        node._prev = weakref.ref(tail)
        tail.next = node
        tail = node
    return head


def setup():
    gc.disable()


def run():
    head = build(50)
    assert head.next.prev is head


def teardown():
    gc.enable()
