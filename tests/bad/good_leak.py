# leakcheck: expect=leak
# A good leaking case beside the hostile ones: still a leak.
# e2e: verdict=leak
keep = []


def run():
    keep.append(object())
