# leakcheck: expect=clean
# leakcheck: source="tests/ext/_lcleaky.c, planted"
"""Twin of the ext_py*_malloc_leak cases: PyMem_Malloc, PyMem_RawMalloc
and PyObject_Malloc, each freed.
"""

import _lcleaky_path

lcleaky = _lcleaky_path.load()


def run():
    lcleaky.pymem_clean(0, 64)
    lcleaky.pymem_clean(1, 64)
    lcleaky.pymem_clean(2, 64)
