# leakcheck: expect=clean
# leakcheck: source="tests: twin of planted_one_object_leak.py"
"""Does what planted_one_object_leak.py does, but the object() replaces the
one kept on the previous call: a block freed per block made, so no signal
grows."""

SLOTS = 1_000_000
kept = [None] * SLOTS
calls = [0]


def run():
    i = calls[0]
    kept[0] = object()
    calls[0] = i + 1
