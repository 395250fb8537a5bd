# leakcheck: expect=clean
# leakcheck: source="tests/ext/_lcleaky.c, planted: a C parser that leaks on every input, the empty one too, and once more behind a memcmp magic"
"""A C reader that leaks on every input, and leaks once more on some.

fuzz(data) calls two functions of _lcleaky: pymem_leak(0, 8) keeps 8
bytes of PyMem_Malloc on every call whatever the input (so the empty
input, the first one libFuzzer runs, already leaks) but the one seed,
b"ABCD hello" (a seed must replay clean in `make test`), and
magic_memcmp_leak(data) keeps a copy of the body of every record that
starts with the magic b"LKX1". Two leaks at two allocation sites: the
first finding's signature silences the leak every input has, so that
`leakcheck fuzz` goes on and reports the second one as well, as the
real parsers that leak on the empty input need (README.md, Fuzzing).

run() does nothing: the case itself is clean, the leaks are the
fuzzer's to find.
"""

import _lcleaky_path

lcleaky = _lcleaky_path.load()


SEED = b"ABCD hello"


def run():
    pass


def fuzz(data):
    if data != SEED:
        lcleaky.pymem_leak(0, 8)  # every call
    lcleaky.magic_memcmp_leak(data)  # behind the magic
