# leakcheck: expect=clean
# leakcheck: source="seed article, __del__ on objects in reference cycles (PEP 442, Python 3.4+)"
"""Objects with __del__ in a reference cycle, collector enabled.

Before Python 3.4 the collector refused to free cycles containing objects
with __del__ and parked them in gc.garbage. Since PEP 442 it calls the
finalizers and frees the cycle, so this is clean: gc.garbage stays empty and
the heap stays flat.
"""

import gc


class Resource:
    finalized = 0

    def __init__(self, name):
        self.name = name
        self.peer = None

    def __del__(self):
        Resource.finalized += 1


def run():
    a = Resource("a")
    b = Resource("b")
    a.peer = b
    b.peer = a


def teardown():
    assert not gc.garbage
