# leakcheck: expect=clean
# leakcheck: source="seed article, files opened and never closed (the fix)"
"""Files opened per call in a with block: closed on the way out.

The fix for files_opened_never_closed.py: each file is read inside a with
statement and nothing keeps it, so descriptors and memory stay flat.
"""

import os
import tempfile

path = None


def setup():
    global path
    fd, path = tempfile.mkstemp(prefix="leakcheck-")
    with os.fdopen(fd, "w") as f:
        f.write("hello\n")


def run():
    with open(path) as f:
        f.readline()


def teardown():
    if path is not None:
        os.remove(path)
