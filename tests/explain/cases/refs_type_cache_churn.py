# leakcheck: expect=leak
"""A reference to None taken on every call (ctypes' Py_IncRef), while each
call also changes a class and looks 40 names up on it. A change gives the
class a new version tag, so CPython's type attribute cache takes a
reference to each name again in a new entry, and lets go of the None an
empty entry held. The explanation names None alone, at +1 a call: not the
names, whose counts only follow the cache.
"""

import ctypes

_incref = ctypes.pythonapi.Py_IncRef
_incref.argtypes = [ctypes.py_object]
_incref.restype = None


class Churn:
    pass


NAMES = ["attr_%d" % i for i in range(40)]


def run():
    Churn.stamp = object()  # a new version tag
    for n in NAMES:
        getattr(Churn, n, None)
    _incref(None)
