# leakcheck: expect=leak
# leakcheck: source="issue C extensions: a reference leaked without new memory"
"""One Py_IncRef(None) per call through ctypes, never given back.

None lives for the whole process, so nothing is allocated: no block, byte
or native heap count moves. Only the refs signal (src/probe/refs.h) sees it, +1
per call.
"""

import ctypes

incref = ctypes.pythonapi.Py_IncRef


def run():
    incref(ctypes.py_object(None))
