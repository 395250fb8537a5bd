"""A unittest test that takes a reference to a module-level dict on every
call and never gives it back (Py_IncRef through ctypes), for the explain
pass of suite tests (tests/e2e_suite_explain.py, group ids): the
explanation must name the dict by its holder and the line that takes the
references."""
import ctypes
import unittest

_REGISTRY = {"a": 1}
_incref = ctypes.pythonapi.Py_IncRef
_incref.argtypes = (ctypes.py_object,)


class Refs(unittest.TestCase):
    def test_takes_a_reference(self):
        """LEAK: +1 reference to _REGISTRY per call."""
        _incref(_REGISTRY)  # e2e: allocation line of test_takes_a_reference
