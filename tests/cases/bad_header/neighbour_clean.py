# A good case in the same run as a malformed header: it is still run and
# reported.
# leakcheck: expect=clean


def run():
    object()
