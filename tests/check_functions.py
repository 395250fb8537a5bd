"""check_functions.py - no C function longer than the limit (issue 8).

    /usr/bin/python3.11 tests/check_functions.py REPO [MAX_LINES]

The house style (.clang-format, STYLE.md) opens a function body with "{"
alone in column 0 and closes it with "}" alone in column 0; nothing else in
the tree does, so a body is the lines between the two. Prints every body
over MAX_LINES (default 100) lines as FILE:LINE NAME (N lines) and exits 1
if there is one, or if a pattern matches no file (a check of nothing must
not pass). Standard library only.
"""

import glob
import os
import re
import sys

PATTERNS = ("src/*/*.c", "harness/*.c", "tests/*.c", "bench/*.c")
NAME = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*\(")


def bodies(path):
    """Yield (name, first line, length) of each function body in path."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    start = None
    for i, line in enumerate(lines):
        if line == "{":
            sig = " ".join(lines[max(0, i - 4):i])
            names = NAME.findall(sig)
            start = (names[0] if names else "?", i + 1)
        elif line.startswith("}") and start:
            yield start[0], start[1], i + 1 - start[1] - 1
            start = None


def main(argv):
    root = argv[1]
    limit = int(argv[2]) if len(argv) > 2 else 100
    bad = 0
    for pattern in PATTERNS:
        files = sorted(glob.glob(os.path.join(root, pattern)))
        if not files:
            print("missing fixture: %s matches no file" % pattern)
            return 1
        for path in files:
            for name, line, n in bodies(path):
                if n > limit:
                    bad += 1
                    print("%s:%d %s (%d lines)"
                          % (os.path.relpath(path, root), line, name, n))
    print("functions: %d over %d lines" % (bad, limit))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
