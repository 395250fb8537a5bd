# leakcheck: expect=leak
# leakcheck: source="Debian's python3-msgpack 1.0.3 (msgpack/unpack_template.h), issue 23"
"""msgpack.unpackb(b"\\x91\\x91"), an array holding an array whose element
is missing, raises ValueError ("incomplete input") and keeps both lists it
had made: two blocks per call. Outside leakcheck,
sys.getallocatedblocks() rises by 20,000 over 10,000 calls.
"""

import msgpack


def run():
    try:
        msgpack.unpackb(b"\x91\x91")
    except ValueError:
        pass
