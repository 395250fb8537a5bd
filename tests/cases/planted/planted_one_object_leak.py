# leakcheck: expect=leak
# leakcheck: source="tests: the smallest leak the counters must see exactly"
"""Keeps exactly one object() per call, in a slot of a list allocated at
import: each iteration adds one 16-byte block and nothing else, so the report
must read py_blocks +1 and py_bytes +16 per iteration."""

SLOTS = 1_000_000
kept = [None] * SLOTS
calls = [0]


def run():
    i = calls[0]
    kept[i] = object()
    calls[0] = i + 1
