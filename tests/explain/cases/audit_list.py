# leakcheck: expect=leak
# leakcheck: source="tests/explain: module-level audit list"
"""Every call appends a record dict (with a tags list) to the module list AUDIT."""

import itertools

AUDIT = []
_ids = itertools.count()


def run():
    n = next(_ids)
    AUDIT.append({"request": n, "tags": ["audit", str(n)]})
