# A good leaking case in the same run as a malformed header: still run and
# reported, with its leak.
# leakcheck: expect=leak
kept = [None] * 10000
n = 0


def run():
    global n
    kept[n] = object()
    n += 1
