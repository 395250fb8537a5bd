# leakcheck: expect=leak
# leakcheck: source="tests/ext/_lcleaky.c, planted"
"""malloc(4096) never freed.
"""

import _lcleaky_path

lcleaky = _lcleaky_path.load()


def run():
    lcleaky.malloc_leak(4096)
