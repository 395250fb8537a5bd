# run is a callable object whose call returns a coroutine: only a call
# shows it. An error in run, and the coroutine is closed (no "never
# awaited" RuntimeWarning).
# e2e: verdict=error phase=run message=run\(\) returned a coroutine


async def work():
    raise AssertionError("never reached")


class Runner:
    def __call__(self):
        return work()


run = Runner()
