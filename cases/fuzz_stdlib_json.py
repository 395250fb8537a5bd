# leakcheck: expect=clean
# leakcheck: source="stdlib campaign (bench/fuzz_stdlib.sh): json's C scanner (_json)"
"""json.loads on any bytes: the C scanner and decoder (Modules/_json.c).

A fuzzable case of the standard library's campaign: clean as far as we
know, and the leak fuzzer's to question. run() parses a small document.
"""

import json


def run():
    json.loads(b'{"a": [1, 2.5, "x", null, true], "b": {"c": "\\u00e9"}}')


def fuzz(data):
    json.loads(data)
