# A clean case run beside the failing ones: their failures must not touch it.
# e2e: verdict=clean


def run():
    [object() for _ in range(10)]
