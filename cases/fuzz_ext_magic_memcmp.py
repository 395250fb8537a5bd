# leakcheck: expect=clean
# leakcheck: source="tests/ext/_lcleaky.c, planted: a record behind a 4-byte magic compared with memcmp in C"
"""A C record reader keeps every record that carries its magic.

_lcleaky.magic_memcmp_leak(data) checks a 4-byte magic, b"LKX1",
with memcmp in C, and keeps a copy of the body of every record that
has it (a bytes object never released). libFuzzer intercepts memcmp and
learns the magic from it even in a C extension built without coverage.

run() reads a record with another magic, which keeps nothing: the case
itself is clean. The leak is the fuzzer's to find.
"""

import _lcleaky_path

lcleaky = _lcleaky_path.load()


def run():
    lcleaky.magic_memcmp_leak(b"ABCD hello")


def fuzz(data):
    lcleaky.magic_memcmp_leak(data)
