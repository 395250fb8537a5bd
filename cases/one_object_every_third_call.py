# leakcheck: expect=leak
# leakcheck: source="issue 3: an intermittent leak, one object every third iteration"
"""Every third call keeps one object in a module list; the other two keep
nothing.

Two deltas in three are zero, so a rule that wants growth on every
iteration (regrtest's "every delta >= 1") can miss it; the growth still
keeps going.
"""
_kept = []
_calls = 0


def run():
    global _calls
    _calls += 1
    if _calls % 3 == 0:
        _kept.append(object())
