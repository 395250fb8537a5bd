# leakcheck: expect=leak
# leakcheck: source="tests/ext/_lcleaky.c, planted"
"""An extra reference to an interned string constant of run()'s code:
nothing is allocated, only refs sees it.
"""

import _lcleaky_path

lcleaky = _lcleaky_path.load()


def run():
    lcleaky.keep_arg_leak('leakcheck_interned_key')
