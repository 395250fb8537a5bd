# leakcheck: expect=clean
# leakcheck: source="tests/ext/_lcleaky.c, planted"
"""Twin of the ext_malloc_*_leak cases: 16 B, 4 KiB and 1 MiB, each freed.
"""

import _lcleaky_path

lcleaky = _lcleaky_path.load()


def run():
    lcleaky.malloc_clean(16)
    lcleaky.malloc_clean(4096)
    lcleaky.malloc_clean(1 << 20)
