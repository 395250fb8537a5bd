# leakcheck: expect=leak
# leakcheck: source="python/cpython#150988 (fixed in main via PR #150990, 2026-06; no 3.11/3.12 release carries it)"
"""OSError subclasses that set strerror/filename on self before calling
OSError.__init__ leak those values.  oserror_init() in Objects/exceptions.c
stores errno/strerror/filename/filename2 into the C struct with plain
assignments instead of Py_XSETREF(), so references already stored there by the
subclass's attribute assignments are overwritten without a DECREF (the same
happens when __init__ is called twice).  gh-150988, fixed in CPython main by
PR #150990 (merged 2026-06-10).  Each call raises one such exception and leaks
the two strings assigned before super().__init__()."""


class _LeakingOSError(OSError):
    def __init__(self, code, message, filename):
        self.strerror = "pre-init message " + str(code)    # fresh objects each call
        self.filename = "pre-init filename " + str(code)
        super().__init__(code, message, filename)


def run():
    try:
        raise _LeakingOSError(2, "No such file", "/nonexistent")
    except OSError:
        pass
