# leakcheck: expect=clean
# leakcheck: source="ultrajson/ultrajson#727, the clean twin of ujson_dump_write_raises_leak.py"
"""ujson.dump() of the same payload to a file whose write() works (and is
emptied every call): the encoded string is released."""

import io

import ujson

PAYLOAD = {"data": "x" * 1000, "n": 7}
SINK = io.StringIO()


def run():
    SINK.seek(0)
    SINK.truncate()
    ujson.dump(PAYLOAD, SINK)
