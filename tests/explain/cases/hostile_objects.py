# leakcheck: expect=leak
# leakcheck: source="tests/explain: objects that must never be asked anything"
"""Keys, values and containers whose dunder methods end the process once armed.

Per call: REGISTRY maps a new HostileKey to a new Hostile; a HostileList
(list subclass) gets a new InList, a HostileDict (dict subclass) a new InBag
under an int key, a HostileSet (set subclass) a new InSet. After run()
returns, every __repr__/__eq__/__hash__/__getattribute__/__getattr__/
__class__/__len__/__iter__/__bool__/items/keys/values/__getitem__ of them,
and of their metaclass, calls os._exit(41): explain must find the holders
without running any of it.
"""

import os

ARMED = [False]


def _boom(*args):
    if ARMED[0]:
        os._exit(41)
    raise AttributeError("hostile")


class Meta(type):
    def __getattribute__(cls, name):
        if ARMED[0]:
            os._exit(41)
        return type.__getattribute__(cls, name)

    def __instancecheck__(cls, obj):
        _boom()

    def __subclasscheck__(cls, sub):
        _boom()

    __repr__ = _boom


class HostileKey(metaclass=Meta):
    def __init__(self, n):
        object.__setattr__(self, "n", n)

    def __hash__(self):
        if ARMED[0]:
            os._exit(41)
        return object.__getattribute__(self, "n")

    def __eq__(self, other):
        if ARMED[0]:
            os._exit(41)
        return self is other

    __repr__ = __str__ = __len__ = __iter__ = __bool__ = _boom
    __getattr__ = _boom

    def __getattribute__(self, name):
        if ARMED[0]:
            os._exit(41)
        return object.__getattribute__(self, name)

    @property
    def __class__(self):
        os._exit(41)


class Hostile(HostileKey):
    pass


class InList(HostileKey):
    pass


class InBag(HostileKey):
    pass


class InSet(HostileKey):
    pass


def _armed_exit(*args, **kwargs):
    if ARMED[0]:
        os._exit(41)
    raise TypeError("hostile container")


class HostileList(list, metaclass=Meta):
    __iter__ = __len__ = __getitem__ = __repr__ = __eq__ = __bool__ = \
        __contains__ = __reversed__ = _armed_exit
    __hash__ = None


class HostileDict(dict, metaclass=Meta):
    items = keys = values = get = __iter__ = __len__ = __getitem__ = \
        __repr__ = __eq__ = __contains__ = _armed_exit
    __hash__ = None


class HostileSet(set, metaclass=Meta):
    __iter__ = __len__ = __repr__ = __eq__ = __contains__ = _armed_exit
    __hash__ = None


REGISTRY = {}
LIST = HostileList()
BAG = HostileDict()
SET = HostileSet()
_n = [0]


def run():
    ARMED[0] = False
    _n[0] += 1
    n = _n[0]
    REGISTRY[HostileKey(n)] = Hostile(n)
    list.append(LIST, InList(n))
    dict.__setitem__(BAG, n, InBag(n))
    set.add(SET, InSet(n))
    ARMED[0] = True


def teardown():
    ARMED[0] = False
    REGISTRY.clear()
    list.clear(LIST)
    dict.clear(BAG)
    set.clear(SET)
