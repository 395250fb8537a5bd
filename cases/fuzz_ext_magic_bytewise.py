# leakcheck: expect=clean
# leakcheck: source="tests/ext/_lcleaky.c, planted: a record behind a 4-byte magic compared byte by byte in C"
"""A C record reader keeps every record that carries its magic.

_lcleaky.magic_bytewise_leak(data) checks a 4-byte magic, b"LKX1",
one byte at a time in C, and keeps a copy of the body of every record
that has it (a bytes object never released). Python line coverage sees
nothing of the check: only libFuzzer's coverage of the extension's own
code leads it to the magic (tests/ext built with -fsanitize=fuzzer-no-link
in build-fuzz/, doc/fuzz-c-extensions.md).

run() reads a record with another magic, which keeps nothing: the case
itself is clean. The leak is the fuzzer's to find.
"""

import _lcleaky_path

lcleaky = _lcleaky_path.load()


def run():
    lcleaky.magic_bytewise_leak(b"ABCD hello")


def fuzz(data):
    lcleaky.magic_bytewise_leak(data)
