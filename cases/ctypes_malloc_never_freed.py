# leakcheck: expect=leak
# leakcheck: source="native-only leak: libc malloc through ctypes, never freed"
"""400 bytes malloc'ed through ctypes per call and never freed.

The buffer comes from libc's malloc directly (ctypes.CDLL(None).malloc with
restype c_void_p), outside Python's allocators: the returned address is a
plain int that is dropped. Python blocks and bytes stay flat; only the
native_bytes signal (glibc heap in use) grows, by about 400 bytes per call.
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


def run():
    p = libc.malloc(400)
    libc.memset(p, 0xAB, 400)
