# Starts a child in setup() that would sleep for days, and a grandchild in a
# session of its own (setsid): the verdict comes as soon as the case is done,
# and neither outlives it.
import subprocess

KIDS = []


def setup():
    KIDS.append(subprocess.Popen(["sleep", "987657"]))
    KIDS.append(subprocess.Popen(["setsid", "sleep", "987658"],
                                 stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL))


def run():
    pass
