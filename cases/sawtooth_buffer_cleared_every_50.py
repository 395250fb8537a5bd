# leakcheck: expect=clean
# leakcheck: source="issue 3: sawtooth - a buffer flushed every 50 calls"
"""A write buffer that grows by one record per call and is flushed every
50 calls.

Within any 50 calls memory only grows; over a longer run it returns to the
same floor every time the buffer is flushed: bounded, a sawtooth, not a
leak.
"""
_buffer = []
_flushed = 0


def _flush():
    global _flushed
    _flushed += len(_buffer)
    _buffer.clear()


def run():
    _buffer.append({"seq": len(_buffer), "payload": "x" * 40})
    if len(_buffer) >= 50:
        _flush()
