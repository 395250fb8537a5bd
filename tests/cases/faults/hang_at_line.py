# leakcheck: timeout=2
# Hangs in run() at a known line: the timeout names the phase and the line.
# Its child in a session of its own must not outlive the kill.
import subprocess
import time


def setup():
    subprocess.Popen(["setsid", "sleep", "987659"])


def run():
    time.sleep(3600)  # the line the timeout must name
