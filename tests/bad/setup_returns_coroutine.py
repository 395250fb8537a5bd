# setup() returns a coroutine from a lambda.
# e2e: verdict=error phase=setup message=setup\(\) returned a coroutine


async def connect():
    pass


setup = lambda: connect()  # noqa: E731


def run():
    pass
