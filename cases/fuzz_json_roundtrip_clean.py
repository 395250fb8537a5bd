# leakcheck: expect=clean
# leakcheck: source="control for the leak fuzzer: a fuzz(data) that keeps nothing, whatever the input"
"""A JSON round trip that keeps nothing: the leak fuzzer's clean control.

fuzz(data) decodes the input as JSON (most inputs raise, which the leak
fuzzer takes as an expected outcome), encodes the value again and checks
that decoding that gives the same value back. Nothing outlives the call,
for any input: a leak report on this case is a false alarm of the oracle.
bench/fuzz_bench.sh times it with and without the oracle.

run() round-trips a fixed document.
"""

import json


def roundtrip(data):
    value = json.loads(data)
    text = json.dumps(value, sort_keys=True)
    if json.loads(text) != value and value == value:  # NaN is not itself
        raise AssertionError("round trip changed %r" % (value,))
    return text


def run():
    roundtrip(b'{"name": "leakcheck", "sizes": [1, 2.5, null, true], "x": {}}')


def fuzz(data):
    try:
        roundtrip(data)
    except ValueError:  # JSONDecodeError, UnicodeDecodeError
        pass
    except RecursionError:
        pass
