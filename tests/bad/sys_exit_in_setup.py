# sys.exit() in setup(): an exception like any other, the worker goes on.
# e2e: verdict=error phase=setup message=SystemExit: 4
import sys


def setup():
    sys.exit(4)


def run():
    pass
