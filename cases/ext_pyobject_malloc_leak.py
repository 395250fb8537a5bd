# leakcheck: expect=leak
# leakcheck: source="tests/ext/_lcleaky.c, planted"
"""PyObject_Malloc(64) never freed.
"""

import _lcleaky_path

lcleaky = _lcleaky_path.load()


def run():
    lcleaky.pymem_leak(2, 64)
