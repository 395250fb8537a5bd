# leakcheck: expect=leak
# leakcheck: source="tests/ext/_lcleaky.c, planted"
"""malloc(1024) kept on every 10th call, freed on the other nine.
"""

import _lcleaky_path

lcleaky = _lcleaky_path.load()


def run():
    lcleaky.malloc_every_10th()
