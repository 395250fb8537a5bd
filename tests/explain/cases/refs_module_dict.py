# leakcheck: expect=leak
"""A reference leak on a module global: each call takes one more reference
to the dict _REGISTRY through ctypes' Py_IncRef. Nothing is allocated; the
explanation names the dict by its holder, refs_module_dict._REGISTRY.
"""

import ctypes

_REGISTRY = {"handlers": 0}
_incref = ctypes.pythonapi.Py_IncRef
_incref.argtypes = [ctypes.py_object]
_incref.restype = None


def run():
    _incref(_REGISTRY)
