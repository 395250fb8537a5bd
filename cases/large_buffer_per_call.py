# leakcheck: expect=clean
# leakcheck: source="large temporary buffers (RAW allocator path and glibc mmap threshold)"
"""A 1 MiB bytearray and a 64 KiB bytes object built and dropped per call.

Blocks over 512 bytes skip pymalloc and go to the raw allocator (malloc);
1 MiB is also over glibc's initial mmap threshold, which glibc raises after
the first free. Both are freed before run() returns: every signal stays flat.
"""


def run():
    buf = bytearray(1 << 20)
    buf[::4096] = b"\x01" * 256
    chunk = bytes(buf[: 64 << 10])
    return len(chunk)
