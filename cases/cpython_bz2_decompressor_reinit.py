# leakcheck: expect=leak
# leakcheck: source="python/cpython#67413 / bpo-23224 (fixed in 3.12.0a6 by PR #7822; not backported to 3.11)"
"""Calling __init__() again on a bz2.BZ2Decompressor leaks native memory.
_bz2_BZ2Decompressor___init___impl() in Modules/_bz2module.c re-ran
BZ2_bzDecompressInit(&self->bzs, 0, 0) on an already initialised object,
overwriting the libbz2 decompression state (allocated with PyMem_RawMalloc via
BZ2_Malloc) without BZ2_bzDecompressEnd() (the old lock had already been
freed on re-init since bpo-33916, but the internal buffers were not).  bpo-23224 "fix leakage of locks and internal buffers
when calling the __init__() methods of LZMADecompressor, LZMACompressor,
BZ2Compressor and BZ2Decompressor multiple times" (setup moved to __new__),
fixed in 3.12.0a6 only.  Native leak: pymalloc block counts stay flat, RSS
grows ~7 KB per call (the BZ2Compressor variant leaks ~17 KB RSS / ~1.1 MB
virtual per call)."""
import bz2


def run():
    d = bz2.BZ2Decompressor()
    d.__init__()           # re-init: first lock + bz_stream state are lost
