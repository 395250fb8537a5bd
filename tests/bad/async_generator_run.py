# run() is an async generator function.
# e2e: verdict=error phase=load message=run is an async generator function


async def run():
    yield 1
