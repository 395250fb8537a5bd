# KeyboardInterrupt raised by the case itself: an error of the case, not an
# interrupt of the run.
# e2e: verdict=error phase=run message=KeyboardInterrupt


def run():
    raise KeyboardInterrupt
