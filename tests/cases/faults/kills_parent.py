# Kills its parent process: that is its keeper, never the runner; the case
# is a crash and the run goes on.
import os
import signal


def run():
    os.kill(os.getppid(), signal.SIGKILL)
