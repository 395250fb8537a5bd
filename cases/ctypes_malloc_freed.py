# leakcheck: expect=clean
# leakcheck: source="native-only leak: libc malloc through ctypes (the freed twin)"
"""400 bytes malloc'ed through ctypes per call and freed before returning.

Same calls as ctypes_malloc_never_freed.py, plus the matching free(): the
glibc heap in use stays flat, and so does everything else.
"""

import ctypes

libc = None


def setup():
    global libc
    libc = ctypes.CDLL(None)
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = [ctypes.c_size_t]
    libc.memset.restype = ctypes.c_void_p
    libc.memset.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_size_t]
    libc.free.restype = None
    libc.free.argtypes = [ctypes.c_void_p]


def run():
    p = libc.malloc(400)
    libc.memset(p, 0xAB, 400)
    libc.free(p)
