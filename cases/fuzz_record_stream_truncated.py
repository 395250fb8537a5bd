# leakcheck: expect=clean
# leakcheck: source="planted for the leak fuzzer: a generator pipeline parked on a truncated stream, never resumed"
"""A generator pipeline parks itself on a truncated stream, and stays parked.

decode(data) reads a stream: the header b"RS1", then records, each a
length byte and that many bytes. Three generator stages do the work
(records -> fields -> upper). When the last record runs past the end of
the data, the stream is truncated: the decoder parks the suspended
pipeline in a module-level dict, keyed by a stream number that is new on
every call, "to resume when more data arrives". Nothing ever resumes it:
every truncated input keeps three suspended generators, their frames and
the data for good. Complete streams keep nothing.

run() decodes a fixed complete stream, which keeps nothing: the case
itself is clean. The leak is the fuzzer's to find
(`build-fuzz/fuzz_scenario`, corpus/fuzz_scenario_record_stream_truncated/).
"""

import itertools

HEADER = b"RS1"

_parked = {}
_stream_ids = itertools.count()


class Truncated(Exception):
    pass


def records(data, pos):
    while pos < len(data):
        n = data[pos]
        if pos + 1 + n > len(data):
            raise Truncated(pos)
        yield data[pos + 1:pos + 1 + n]
        pos += 1 + n


def fields(recs):
    for rec in recs:
        yield rec.split(b",")


def upper(rows):
    for row in rows:
        yield [f.upper() for f in row]


def decode(data):
    if not data.startswith(HEADER):
        raise ValueError("not a record stream")
    pipeline = upper(fields(records(data, len(HEADER))))
    out = []
    try:
        for row in pipeline:
            out.append(row)
    except Truncated:
        # "Resume when more data arrives": it never does. The leak.
        _parked[next(_stream_ids)] = (pipeline, data)
    return out


def run():
    decode(HEADER + b"\x05ab,cd\x03efg\x00")


def fuzz(data):
    try:
        decode(data)
    except ValueError:
        pass
