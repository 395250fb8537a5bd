# leakcheck: expect=clean
# leakcheck: source="consumer example: _stash.peek() borrows its argument (the fix)"
"""_stash.peek() borrows its argument and returns a new string that the
caller drops: nothing outlives the call."""
from _load import _stash


def run():
    _stash.peek([1, 2, 3])
