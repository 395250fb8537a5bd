# leakcheck: expect=clean
# leakcheck: source="planted for the leak fuzzer: a 4-byte magic compared one byte at a time in Python"
"""A message reader that keeps every message whose header carries the magic.

fuzz(data) reads a message: a 4-byte header, then a body. When the header
is the magic b"LKCH", the reader files the message in a module-level
archive that nothing ever empties: +1 list slot and a bytes object per call,
forever. Any other header reads the body and keeps nothing.

The magic is compared one byte at a time, each byte on a line of its own,
the way hand-written protocol code often does it: libFuzzer gets no
`memcmp` to learn the magic from, only Python line coverage (src/fuzz/pycov.h)
tells it that a mutation matched one more byte. Without that feed this
leak is never found (PLATFORM.md); with it, in seconds.

run() replays a fixed message with another header, which keeps nothing:
the case itself is clean. The leak is the fuzzer's to find
(`build-fuzz/fuzz_scenario`, corpus/fuzz_scenario_magic_header/).
"""

MAGIC = b"LKCH"

archive = []


def read_message(data):
    if len(data) < 4:
        return None
    header, body = data[:4], data[4:]
    if header[0] != MAGIC[0]:
        return body.upper()
    if header[1] != MAGIC[1]:
        return body.lower()
    if header[2] != MAGIC[2]:
        return body.strip()
    if header[3] != MAGIC[3]:
        return body[::-1]
    archive.append(bytes(body))  # the leak: kept for good
    return body


def run():
    read_message(b"MSG1 hello, world")


def fuzz(data):
    read_message(data)
