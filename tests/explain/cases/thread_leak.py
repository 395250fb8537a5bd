# leakcheck: expect=leak
# leakcheck: source="tests/explain: a thread per call blocked on an Event"
"""Each call starts a worker thread that waits on an Event nobody sets."""

import itertools
import threading

stop = threading.Event()
_ids = itertools.count()


def run():
    t = threading.Thread(target=stop.wait, name="leaky-%d" % next(_ids),
                         daemon=True)
    t.start()


def teardown():
    stop.set()
