# leakcheck: expect=clean
# leakcheck: source="stdlib campaign (bench/fuzz_stdlib.sh): zlib (Modules/zlibmodule.c)"
"""zlib's decompressors on any bytes: zlib.decompress, and a
decompressobj with a bounded output (unconsumed_tail, flush). The first
byte picks wbits (zlib, raw, gzip, auto). run() decompresses a fixed
stream.
"""

import zlib

SAMPLE = zlib.compress(b"hello hello hello world")
WBITS = (15, -15, 31, 47)


def run():
    zlib.decompress(SAMPLE)


def fuzz(data):
    if not data:
        return
    wbits, data = WBITS[data[0] % 4], data[1:]
    try:
        zlib.decompress(data, wbits)
    except zlib.error:
        pass
    d = zlib.decompressobj(wbits)
    d.decompress(data, 4096)
    d.decompress(d.unconsumed_tail, 4096)
    d.flush()
