# leakcheck: expect=clean
# leakcheck: source="tests/ext/_lcleaky.c, planted"
"""Twin of ext_incref_none_leak: the reference returned is the only one.
"""

import _lcleaky_path

lcleaky = _lcleaky_path.load()


def run():
    lcleaky.incref_none_clean()
