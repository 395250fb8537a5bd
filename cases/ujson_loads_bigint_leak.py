# leakcheck: expect=leak
# leakcheck: source="Debian's python3-ujson 5.7.0, issue 23"
"""ujson.loads() of an integer too big for 64 bits falls back to Python's
int parser and keeps one block per call. Outside leakcheck,
sys.getallocatedblocks() rises by 10,000 over 10,000 calls.
"""

import ujson


def run():
    ujson.loads("123456789012345678901234567890")
