# leakcheck: expect=clean
# leakcheck: source="seed article, reading a large file with a generator"
"""A generator streams a large file line by line; nothing is kept.

setup() writes a 5,000-line (about 250 KB) file under tempfile; each call
walks it through a generator that yields one parsed line at a time and sums
a field, so at most one line is alive at once. The file is opened and closed
inside the generator (a with block), and teardown() removes it.
"""

import os
import random
import tempfile

path = None


def setup():
    global path
    rng = random.Random(42)
    fd, path = tempfile.mkstemp(prefix="leakcheck-", suffix=".log")
    with os.fdopen(fd, "w") as f:
        for i in range(5_000):
            f.write(f"{i},{rng.randrange(1_000_000)},{'x' * rng.randrange(20, 60)}\n")


def read_records(p):
    with open(p) as f:
        for line in f:
            yield int(line.split(",", 2)[1])


def run():
    total = 0
    for value in read_records(path):
        total += value
    return total


def teardown():
    if path is not None:
        os.remove(path)
