# leakcheck: expect=leak
# leakcheck: iterations=256
# leakcheck: source="tests/ext/_lcleaky.c, planted"
"""malloc(1 MiB) never freed: an mmap'd chunk per call (only its first
page touched). iterations=256 bounds the address space it takes.
"""

import _lcleaky_path

lcleaky = _lcleaky_path.load()


def run():
    lcleaky.malloc_leak(1 << 20)
