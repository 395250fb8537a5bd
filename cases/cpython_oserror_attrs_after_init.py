# leakcheck: expect=clean
# leakcheck: source="control for python/cpython#150988"
"""An OSError subclass that sets strerror/filename on self *after*
OSError.__init__: nothing leaks.

Clean twin of cpython_oserror_attrs_before_init.py. There the subclass
assigns strerror and filename before calling super().__init__(), and
oserror_init() in Objects/exceptions.c (3.11) then overwrites those C struct
fields with plain stores, so the two strings already stored are never
released: two strings leak per exception (gh-150988). Here the same
exception is raised along the same code path, but the attributes are assigned
after __init__, through the member setters, which release the value they
replace (Py_XSETREF). Each call builds two fresh strings and every one of them
is freed with the exception, so every signal must stay flat.
"""


class _OSErrorAttrsAfterInit(OSError):
    def __init__(self, code, message, filename):
        super().__init__(code, message, filename)
        self.strerror = "post-init message " + str(code)    # fresh objects each call
        self.filename = "post-init filename " + str(code)


def run():
    try:
        raise _OSErrorAttrsAfterInit(2, "No such file", "/nonexistent")
    except OSError:
        pass
