"""Canary: xunit-style module and function setup, and the twins (one
module: setup_module applies to all of it)."""
from _canary import twin

STATE = {}


def setup_module(module):
    STATE["module"] = [1, 2, 3]


def teardown_module(module):
    STATE.pop("module")


def setup_function(function):
    STATE["function"] = {"f": function.__name__}


def teardown_function(function):
    STATE.pop("function")


def test_xunit_setup():
    assert STATE["module"] and STATE["function"]


test_xunit_setup_leaks = twin(test_xunit_setup)
