# leakcheck: expect=clean
# leakcheck: source="planted for the leak fuzzer: an op sequence that closes a ring of nodes while the collector is off"
"""A node builder driven by op bytes leaks every ring it closes, gc being off.

setup() turns the cycle collector off, as latency-sensitive programs do.
fuzz(data) reads each byte as an op on a list of nodes: 'N' makes a node,
'L' links the last two (a.next = b), 'R' closes the chain into a ring when
the links run from the first node to the last and there are at least
three, other bytes are skipped. When the builder is dropped, reference
counting frees every chain; a ring is a reference cycle that only the
collector could free, and it is off: every call whose ops close a ring
keeps all of its nodes for good. Other op sequences keep nothing.

run() replays a fixed chain that is never closed, which keeps nothing:
the case itself is clean (the runner reads without collecting when gc is
off, so a ring would count). The leak is the fuzzer's to find
(`build-fuzz/fuzz_scenario`, corpus/fuzz_scenario_ring_ops_gc_off/).
"""

import gc


class Node:
    __slots__ = ("value", "next")

    def __init__(self, value):
        self.value = value
        self.next = None


def chain_length(first, last):
    """Nodes from first to last following next, or 0 if last is not reached."""
    n, node = 1, first
    while node is not last:
        node = node.next
        if node is None:
            return 0
        n += 1
    return n


def build(ops):
    nodes = []
    for op in ops:
        if op == ord("N"):
            nodes.append(Node(len(nodes)))
        elif op == ord("L"):
            if len(nodes) >= 2:
                nodes[-2].next = nodes[-1]
        elif op == ord("R"):
            if len(nodes) >= 3 and chain_length(nodes[0], nodes[-1]) >= 3:
                nodes[-1].next = nodes[0]  # a cycle: the leak, gc being off
    return len(nodes)


def setup():
    gc.disable()


def run():
    build(b"NNLNLNL")


def teardown():
    gc.enable()
    gc.collect()


def fuzz(data):
    build(data)
