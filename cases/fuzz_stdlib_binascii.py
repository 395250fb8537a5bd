# leakcheck: expect=clean
# leakcheck: source="stdlib campaign (bench/fuzz_stdlib.sh): binascii (Modules/binascii.c)"
"""binascii's decoders and checksums on any bytes; the first byte picks
the function. run() decodes a fixed base64 text.
"""

import binascii

FUNCS = (
    binascii.a2b_base64,
    binascii.a2b_hex,
    binascii.a2b_qp,
    binascii.a2b_uu,
    lambda d: binascii.a2b_base64(d, strict_mode=True),
    lambda d: binascii.b2a_qp(d, True, True, True),
    binascii.crc32,
    lambda d: binascii.crc_hqx(d, 0),
)


def run():
    binascii.a2b_base64(b"aGVsbG8gd29ybGQ=")


def fuzz(data):
    if not data:
        return
    FUNCS[data[0] % len(FUNCS)](data[1:])
