# leakcheck: expect=leak
# leakcheck: source="atexit.register of a bound method per object"
"""Each new object registers a bound method with atexit.

Session.__init__ calls atexit.register(self.close) so the session is closed
at exit. The atexit module holds the bound method, hence the session, until
the interpreter ends: one session (and its dict) per call stays alive.
teardown() unregisters them.
"""

import atexit
import gc


class Session:
    def __init__(self):
        self.open = True
        self.state = {"user": None}
        atexit.register(self.close)

    def close(self):
        self.open = False


def run():
    Session()


def teardown():
    for obj in gc.get_objects():
        if isinstance(obj, Session):
            atexit.unregister(obj.close)
