# leakcheck: expect=leak
# leakcheck: source="Debian's python3-ujson 5.7.0, issue 23"
"""ujson.dumps({None: 1}) converts the key None to the str 'null' and never
releases it: one 53-byte block per call, an object the cycle collector
does not track. Outside leakcheck, sys.getallocatedblocks() rises by
10,000 over 10,000 calls. The explanation names str 'null' and the C
stack through ujson's objToJSON.
"""

import ujson


def run():
    ujson.dumps({None: 1})
