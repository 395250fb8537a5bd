# leakcheck: expect=clean
# leakcheck: source="stdlib campaign (bench/fuzz_stdlib.sh): marshal.loads (Python/marshal.c)"
"""marshal.loads on any bytes (Python/marshal.c): refs, interned strings,
code objects. marshal is documented as unsafe against hostile data (a
crash is possible); a leak is still a leak. run() loads a small value.
"""

import marshal

SAMPLE = marshal.dumps({"a": [1, 2.5, "x", None, (True, b"b")], 3: frozenset({4})})


def run():
    marshal.loads(SAMPLE)


def fuzz(data):
    marshal.loads(data)
