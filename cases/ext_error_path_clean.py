# leakcheck: expect=clean
# leakcheck: source="tests/ext/_lcleaky.c, planted"
"""Twin of ext_error_path_leak: the error path releases the scratch list.
"""

import _lcleaky_path

lcleaky = _lcleaky_path.load()


def run():
    lcleaky.parse_int_clean(5)
    try:
        lcleaky.parse_int_clean('five')
    except TypeError:
        pass
