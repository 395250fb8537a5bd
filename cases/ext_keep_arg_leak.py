# leakcheck: expect=leak
# leakcheck: source="tests/ext/_lcleaky.c, planted"
"""A C function keeps an extra reference to its argument, a module global
that stays alive anyway: nothing is allocated, only refs sees it.
"""

import _lcleaky_path

lcleaky = _lcleaky_path.load()


class Handler:
    pass


handler = Handler()  # a module global: stays alive


def run():
    lcleaky.keep_arg_leak(handler)
