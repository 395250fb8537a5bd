# Raises in setup(): the case is an error in phase setup, with the traceback.
# e2e: verdict=error phase=setup message=SetupBoom


def setup():
    raise RuntimeError("SetupBoom")


def run():
    pass
