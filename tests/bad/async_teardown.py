# teardown() is an async def: it would never clean up.
# e2e: verdict=error phase=load message=teardown is a coroutine function


def run():
    pass


async def teardown():
    pass
