# leakcheck: expect=leak
# leakcheck: source="issue 23, planted: a reference leak on a module global through ctypes"
"""Each call takes one more reference to the module-level dict _REGISTRY
through ctypes' Py_IncRef and never gives it back. Nothing is allocated:
only the refs signal sees it, +1 per iteration, and the explanation names
the dict by its holder, ctypes_incref_module_dict._REGISTRY.
"""

import ctypes

_REGISTRY = {"handlers": 0}
_incref = ctypes.pythonapi.Py_IncRef
_incref.argtypes = [ctypes.py_object]
_incref.restype = None


def run():
    _incref(_REGISTRY)
