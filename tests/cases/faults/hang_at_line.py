# leakcheck: timeout=2
# Hangs in run() at a known line: the timeout names the phase and the line.
import time


def run():
    time.sleep(3600)  # the line the timeout must name
