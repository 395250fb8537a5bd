# leakcheck: expect=leak
# leakcheck: source="tests/ext/_lcleaky.c, planted"
"""A C function makes a str and never releases it (missing Py_DECREF on a
new object): one block kept per call.
"""

import _lcleaky_path

lcleaky = _lcleaky_path.load()


def run():
    lcleaky.new_object_leak()
