# leakcheck: expect=clean
# leakcheck: source="issue C extensions: clean twin of ctypes_py_incref_none_kept"
"""Py_IncRef(None) then Py_DecRef(None) per call through ctypes: balanced."""

import ctypes

incref = ctypes.pythonapi.Py_IncRef
decref = ctypes.pythonapi.Py_DecRef


def run():
    o = ctypes.py_object(None)
    incref(o)
    decref(o)
