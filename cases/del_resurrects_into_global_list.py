# leakcheck: expect=leak
# leakcheck: source="seed article, __del__ on objects in reference cycles (the leaky variant)"
"""__del__ resurrects its object into a global list.

The objects are in a cycle, so the collector finalizes them (PEP 442); but
__del__ stores self in the module-level list _graveyard ("keep it for
post-mortem logging"), which resurrects the object and its peer. The
collector sees the resurrection and frees nothing; the list grows by one
cycle per call. __del__ runs once per object (PEP 442), so they never go.
"""

_graveyard = []


class Resource:
    def __init__(self, name):
        self.name = name
        self.peer = None

    def __del__(self):
        _graveyard.append(self)


def run():
    a = Resource("a")
    b = Resource("b")
    a.peer = b
    b.peer = a


def teardown():
    _graveyard.clear()
