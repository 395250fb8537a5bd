# leakcheck: expect=leak
# leakcheck: source="Debian's python3-ujson 5.7.0, issue 23"
"""ujson.dumps() of an int too big for 64 bits goes through its str() and
keeps one block per call. Outside leakcheck, sys.getallocatedblocks()
rises by 10,000 over 10,000 calls.
"""

import ujson

BIG = 2 ** 70


def run():
    ujson.dumps(BIG)
