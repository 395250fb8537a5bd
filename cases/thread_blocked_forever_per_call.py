# leakcheck: expect=leak
# leakcheck: source="thread leak: a worker thread per call that never ends"
"""A daemon thread started per call that blocks forever on an Event.

Each call starts a "background worker" that waits on an Event nobody sets,
so it never ends: one OS thread (and its Thread object and thread state)
per call. daemon=True only means the interpreter will not wait for it at
exit; it does not stop it. teardown() sets the event and joins them.
"""

import threading

stop = None
workers = []


def setup():
    global stop
    stop = threading.Event()


def run():
    t = threading.Thread(target=stop.wait, daemon=True)
    t.start()
    workers.append(t)


def teardown():
    stop.set()
    for t in workers:
        t.join()
    workers.clear()
