# run() deletes its own module global: the function loaded is kept, so
# every iteration still runs.
# e2e: verdict=clean
calls = 0


def run():
    global calls
    calls += 1
    globals().pop("run", None)


def teardown():
    assert calls > 8, calls
