# leakcheck: expect=leak
# leakcheck: source="tests/ext/_lcleaky.c, planted"
"""malloc(16) never freed: a 32-byte chunk per call, the native heap's
noise floor exactly.
"""

import _lcleaky_path

lcleaky = _lcleaky_path.load()


def run():
    lcleaky.malloc_leak(16)
