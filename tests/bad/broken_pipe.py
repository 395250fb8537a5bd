# Writes to a pipe whose reader is gone: BrokenPipeError, not death by
# SIGPIPE.
# e2e: verdict=clean
import os


def run():
    r, w = os.pipe()
    os.close(r)
    try:
        os.write(w, b"x")
    except BrokenPipeError:
        pass
    else:
        raise AssertionError("the write to a closed pipe succeeded")
    finally:
        os.close(w)
