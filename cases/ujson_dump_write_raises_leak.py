# leakcheck: expect=leak
# leakcheck: source="ultrajson/ultrajson#727 (CVE-2026-44660, fixed in ujson 5.12.1; bookworm's python3-ujson 5.7.0 leaks)"
"""ujson.dump() to a file whose write() raises leaks the whole encoded JSON
string: objToJSONFile() in python/objToJSON.c never releases it on the
write-failure path. One str of ~1 KB per call here (the payload's size).
Verified outside leakcheck on 3.11.2 with python3-ujson 5.7.0:
sys.getallocatedblocks() +1.00 per call over 2000 calls, +0.00 for the same
dump to a working file (ujson_dump_write_ok_clean.py)."""

import ujson

PAYLOAD = {"data": "x" * 1000, "n": 7}


class FullDisk:
    def write(self, s):
        raise OSError(28, "No space left on device")


SINK = FullDisk()


def run():
    try:
        ujson.dump(PAYLOAD, SINK)
    except OSError:
        pass
