# A clean case that takes seconds: the run is still going when the test
# interrupts it. It starts a marked child in a session of its own (setsid),
# which must not outlive the case.
import subprocess
import time

CHILD = None


def setup():
    global CHILD
    CHILD = subprocess.Popen(["setsid", "sleep", "987656"])


def run():
    time.sleep(0.05)
