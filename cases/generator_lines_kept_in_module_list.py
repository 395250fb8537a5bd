# leakcheck: expect=leak
# leakcheck: source="seed article, reading a large file with a generator (the leaky variant)"
"""The same line-by-line generator, but every line is appended to a module list.

setup() writes a 200-line file under tempfile. Each call streams it, and
the generator also "remembers" each line in the module-level list seen_lines
(a debugging aid left in): the file is read lazily, yet every line of every
pass stays alive, 200 strings per call.
"""

import os
import random
import tempfile

path = None
seen_lines = []


def setup():
    global path
    rng = random.Random(42)
    fd, path = tempfile.mkstemp(prefix="leakcheck-", suffix=".log")
    with os.fdopen(fd, "w") as f:
        for i in range(200):
            f.write(f"{i},{rng.randrange(1_000_000)},{'x' * rng.randrange(20, 60)}\n")


def read_records(p):
    with open(p) as f:
        for line in f:
            seen_lines.append(line)
            yield int(line.split(",", 2)[1])


def run():
    total = 0
    for value in read_records(path):
        total += value
    return total


def teardown():
    seen_lines.clear()
    if path is not None:
        os.remove(path)
