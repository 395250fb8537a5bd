# run() contains yield: calling it makes a generator and runs nothing.
# e2e: verdict=error phase=load message=run is a generator function


def run():
    yield [object() for _ in range(100)]
