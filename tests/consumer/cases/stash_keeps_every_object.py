# leakcheck: expect=leak
# leakcheck: source="consumer example: _stash.stash() takes a reference it never drops"
"""Every call hands a fresh list to _stash.stash(), which keeps it: one
list (and its header block) per iteration that nothing can free."""
from _load import _stash


def run():
    _stash.stash([1, 2, 3])
