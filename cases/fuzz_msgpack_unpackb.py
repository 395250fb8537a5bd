# leakcheck: expect=clean
# leakcheck: source="Debian's python3-msgpack 1.0.3 (msgpack/_unpacker.pyx, unpack_template.h), issue 23"
"""msgpack.unpackb on any bytes: the C unpacker of Debian's python3-msgpack
(1.0.3), its error paths included. run() unpacks a small complete message
(clean).

Known: an incomplete container keeps what the unpacker had made for it
(the nested containers and the map key on its stack: lists, dicts, str,
bytes, ints): cases/msgpack_unpackb_incomplete_*_leak.py. Every such input
is one leak with one C site, the unpacker's innermost function on the
blocks' stacks (a static function of the stripped extension, named by its
offset and reached by msgpack._cmsgpack.unpackb), whatever the input made:
`leakcheck fuzz` writes one case for them all.
"""

import msgpack

SAMPLE = msgpack.packb({"a": [1, 2.5, "x", None, True, b"b"], "n": 2**40})


def run():
    msgpack.unpackb(SAMPLE)


def fuzz(data):
    msgpack.unpackb(data)
