# leakcheck: expect=leak
# leakcheck: source="tests/ext/_lcleaky.c, planted"
"""parse_int leaks its scratch list on the TypeError path only; run() calls
it with good input and with bad input.
"""

import _lcleaky_path

lcleaky = _lcleaky_path.load()


def run():
    lcleaky.parse_int_leak(5)
    try:
        lcleaky.parse_int_leak('five')
    except TypeError:
        pass
