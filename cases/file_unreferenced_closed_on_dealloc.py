# leakcheck: expect=clean
# leakcheck: source="seed article, files opened and never closed (CPython closes on dealloc)"
"""A file opened per call, never closed, and dropped: CPython closes it.

close() is never called, but the file object's last reference goes away when
run() returns and its deallocator closes the descriptor (emitting a
ResourceWarning, which the default filters ignore). Bad style, no lasting
leak: descriptors and memory stay flat.
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
    f = open(path)
    f.readline()


def teardown():
    if path is not None:
        os.remove(path)
