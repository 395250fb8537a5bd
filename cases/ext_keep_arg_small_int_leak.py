# leakcheck: expect=leak
# leakcheck: source="tests/ext/_lcleaky.c, planted"
"""An extra reference to a cached small int (7), which lives for the whole
process: nothing is allocated, only refs sees it.
"""

import _lcleaky_path

lcleaky = _lcleaky_path.load()


def run():
    lcleaky.keep_arg_leak(7)
