# leakcheck: expect=leak
# A UTF-8 byte order mark before the header: Python skips it, so does the
# header reader, and expect=leak is honoured.
# e2e: verdict=leak
keep = []


def run():
    keep.append(object())
