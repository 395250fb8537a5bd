# leakcheck: expect=leak
# leakcheck: source="tests/ext/_lcleaky.c, planted"
"""PyMem_Malloc(64) never freed.
"""

import _lcleaky_path

lcleaky = _lcleaky_path.load()


def run():
    lcleaky.pymem_leak(0, 64)
