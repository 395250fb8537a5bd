# A good clean case beside the hostile ones: still clean.
# e2e: verdict=clean


def run():
    [object() for _ in range(10)]
