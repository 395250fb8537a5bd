# leakcheck: expect=leak
# leakcheck: source="seed article, files opened and never closed"
"""Files opened per call and never closed, kept alive in a list.

CPython closes a file object when it is deallocated, so an unreferenced
unclosed file is not a lasting descriptor leak (see
file_unreferenced_closed_on_dealloc.py). The real leak is the one here: the
file objects are kept (a list of "open handles" nobody closes), so one
descriptor and one file object stay open per call. teardown() closes them.
"""

import os
import tempfile

path = None
handles = []


def setup():
    global path
    fd, path = tempfile.mkstemp(prefix="leakcheck-")
    with os.fdopen(fd, "w") as f:
        f.write("hello\n")


def run():
    f = open(path)
    f.readline()
    handles.append(f)


def teardown():
    for f in handles:
        f.close()
    handles.clear()
    if path is not None:
        os.remove(path)
