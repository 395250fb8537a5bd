# Calls os._exit(0) from run(): the worker ends "successfully" with no result.
# e2e: verdict=crash phase=worker message=status 0
import os


def run():
    os._exit(0)
