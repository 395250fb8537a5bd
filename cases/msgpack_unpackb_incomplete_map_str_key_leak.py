# leakcheck: expect=leak
# leakcheck: source="Debian's python3-msgpack 1.0.3 (msgpack/unpack_template.h), issue 23"
"""msgpack.unpackb(b"\\x81\\xa3abc"), a one-entry map whose value is
missing, raises ValueError ("incomplete input") and keeps the key it had
read, a new str 'abc', for good: one block per call. Outside leakcheck,
sys.getallocatedblocks() rises by 10,000 over 10,000 calls.
"""

import msgpack


def run():
    try:
        msgpack.unpackb(b"\x81\xa3abc")
    except ValueError:
        pass
