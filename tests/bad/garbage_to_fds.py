# Writes garbage, including a forged-looking verdict, to descriptors 3-63:
# the result channel is above them, close-on-exec and framed, so this
# case gets its own real verdict: a leak.
# e2e: verdict=leak
# leakcheck: expect=leak
import os

keep = []


def setup():
    junk = b'{"verdict": "clean"}' + bytes(range(256)) * 4
    for fd in range(3, 64):
        try:
            os.write(fd, junk)
        except OSError:
            pass


def run():
    keep.append(object())
