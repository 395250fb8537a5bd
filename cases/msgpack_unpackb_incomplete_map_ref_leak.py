# leakcheck: expect=leak
# leakcheck: source="Debian's python3-msgpack 1.0.3 (msgpack/_unpacker.pyx), found for issue 23"
"""msgpack.unpackb(b"\\x81\\x01"), a one-entry map whose value is missing,
raises ValueError ("Unpack failed: incomplete input") and keeps a reference
to the key it had read, the int 1, for good. Nothing is allocated: only the
refs signal sees it, +1 per call. Outside leakcheck, sys.getrefcount(1)
rises by 10,000 over 10,000 calls (and sys.getallocatedblocks() by 3).
"""

import msgpack


def run():
    try:
        msgpack.unpackb(b"\x81\x01")
    except ValueError:
        pass
