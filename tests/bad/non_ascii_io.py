# Prints non-ASCII text to stdout and stderr and opens a non-ASCII file
# name: the locale is what python3.11 -I gives (UTF-8), never ascii.
# e2e: verdict=clean
import os
import sys
import tempfile

folder = None


def setup():
    global folder
    assert sys.getfilesystemencoding() == "utf-8", sys.getfilesystemencoding()
    folder = tempfile.mkdtemp(prefix="lc-bad-")


def run():
    print("caf\u00e9 \u2713 \u00fc")
    print("caf\u00e9 \u2713", file=sys.stderr)
    path = os.path.join(folder, "caf\u00e9-\u2713.txt")
    with open(path, "w") as f:
        f.write("\u00e9")
    os.remove(path)


def teardown():
    os.rmdir(folder)
