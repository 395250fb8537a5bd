# leakcheck: expect=clean
# leakcheck: source="tests/ext/_lcleaky.c, planted"
"""Twin of ext_new_object_leak: the new str is released.
"""

import _lcleaky_path

lcleaky = _lcleaky_path.load()


def run():
    lcleaky.new_object_clean()
