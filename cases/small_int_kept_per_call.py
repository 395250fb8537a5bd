# leakcheck: expect=leak
# leakcheck: source="issue 3: a slow leak, one small int per iteration"
"""Each call keeps one int object in a module-level history list.

The smallest leak a Python program makes: one 28-byte int per call (plus
the list's amortized growth). Values are above the small-int cache, so each
is a new object.
"""
_history = []
_n = 10**6


def run():
    global _n
    _n += 1
    _history.append(_n)
