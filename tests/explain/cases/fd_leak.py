# leakcheck: expect=leak
# leakcheck: source="tests/explain: files opened and kept in a list"
"""Every call opens the same data file again and keeps the file object."""

import os
import tempfile

FILES = []
path = None


def setup():
    global path
    fd, path = tempfile.mkstemp(prefix="explain-fd-leak-", suffix=".txt")
    os.write(fd, b"data\n")
    os.close(fd)


def run():
    FILES.append(open(path))


def teardown():
    for f in FILES:
        f.close()
    FILES.clear()
    os.unlink(path)
