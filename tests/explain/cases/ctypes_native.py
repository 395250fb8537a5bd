# leakcheck: expect=leak
# leakcheck: source="tests/explain: native malloc through ctypes, never freed"
"""400 bytes malloc'ed through ctypes per call: only the native heap grows."""

import ctypes

libc = None


def setup():
    global libc
    libc = ctypes.CDLL(None)
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = [ctypes.c_size_t]


def run():
    libc.malloc(400)
