# leakcheck: expect=leak
# leakcheck: source="python/cpython#109786 (fixed in 3.11.7 / 3.12.1)"
"""Re-entering itertools.pairwise.__next__() leaks references.  pairwise_next()
in Modules/itertoolsmodule.c held only a borrowed reference in `old` while it
called the underlying iterator's __next__; when that __next__ re-entered
next(pairwise) the inner call stored a new object in po->old, and the outer
call then overwrote po->old (`po->old = old = tp_iternext(it)`) without a
DECREF, leaking the inner item.  gh-109786, fixed in 3.11.7 and 3.12.1 (also
3.13).  Each call below re-enters once and leaks the list produced by the
inner call."""
from itertools import pairwise


class _Reentrant:
    def __init__(self):
        self.count = 0
        self.it = None

    def __iter__(self):
        return self

    def __next__(self):
        self.count += 1
        if self.count == 1:
            return next(self.it)      # re-enter pairwise.__next__()
        return [self.count]           # a fresh object per item


def run():
    src = _Reentrant()
    it = pairwise(src)
    src.it = it
    next(it)
    next(it)
    src.it = None                     # break the (collectable) src <-> it cycle
