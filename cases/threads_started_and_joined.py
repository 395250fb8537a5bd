# leakcheck: expect=clean
# leakcheck: source="thread leak (the fixed twin): threads started and joined"
"""Two threads started per call, each does a little work and is joined.

Every thread ends and is joined before run() returns, so the thread count,
descriptors and memory stay flat.
"""

import threading


def work(out, i):
    out[i] = sum(range(100))


def run():
    out = [0, 0]
    threads = [threading.Thread(target=work, args=(out, i)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
