# leakcheck: expect=clean
# leakcheck: source="stdlib campaign (bench/fuzz_stdlib.sh): plistlib, XML (expat) and binary formats"
"""plistlib.loads on any bytes: the binary format's reader and the XML
one (pyexpat). run() loads a small XML plist.
"""

import plistlib

SAMPLE = plistlib.dumps({"a": [1, 2.5, "x", True], "b": b"data"})


def run():
    plistlib.loads(SAMPLE)


def fuzz(data):
    plistlib.loads(data)
