# leakcheck: expect=clean
# leakcheck: source="stdlib campaign (bench/fuzz_stdlib.sh): struct (Modules/_struct.c)"
"""struct with a format and a buffer from the input: the bytes up to the
first NUL are the format, the rest the buffer to unpack (or to iterate).
struct's cache of compiled formats is bounded (100): filling it is not a
leak. run() unpacks a fixed record.
"""

import struct


def run():
    struct.unpack_from("<hI2s", b"\x01\x00\x02\x00\x00\x00ab")


def fuzz(data):
    fmt, _, buf = data.partition(b"\0")
    s = struct.Struct(fmt)
    if s.size and len(buf) >= s.size:
        s.unpack_from(buf)
        for _ in s.iter_unpack(buf[: len(buf) - len(buf) % s.size]):
            pass
