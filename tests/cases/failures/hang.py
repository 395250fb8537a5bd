# leakcheck: timeout=1
# Sleeps far past its one-second timeout: the worker is killed.
# e2e: verdict=timeout phase=run message=timeout
import time


def run():
    time.sleep(60)
