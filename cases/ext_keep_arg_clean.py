# leakcheck: expect=clean
# leakcheck: source="tests/ext/_lcleaky.c, planted"
"""Twin of the ext_keep_arg_*_leak cases: each reference taken is released.
"""

import _lcleaky_path

lcleaky = _lcleaky_path.load()


class Handler:
    pass


handler = Handler()  # a module global: stays alive


def run():
    lcleaky.keep_arg_clean(handler)
    lcleaky.keep_arg_clean(7)
    lcleaky.keep_arg_clean('leakcheck_interned_key')
