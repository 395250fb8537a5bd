# A header with a key leakcheck does not know: the file is unusable (exit 2),
# and the message names this file and line 4.
# leakcheck: expect=clean
# leakcheck: expext=leak


def run():
    pass
