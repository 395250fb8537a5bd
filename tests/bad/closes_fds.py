# Closes descriptors 3-63 in setup(): the result channel lives above them,
# so the case still gets its verdict.
# e2e: verdict=clean
import os


def setup():
    os.closerange(3, 64)


def run():
    [object() for _ in range(10)]
