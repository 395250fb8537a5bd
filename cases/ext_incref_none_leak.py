# leakcheck: expect=leak
# leakcheck: source="tests/ext/_lcleaky.c, planted"
"""A C function takes one Py_INCREF(Py_None) too many. Nothing is
allocated: only the refs signal sees it on the release build.
"""

import _lcleaky_path

lcleaky = _lcleaky_path.load()


def run():
    lcleaky.incref_none_leak()
