# Calls sys.exit(3) from run(): SystemExit is an exception like any other, it
# never exits the worker.
# e2e: verdict=error phase=run message=SystemExit
import sys


def run():
    sys.exit(3)
