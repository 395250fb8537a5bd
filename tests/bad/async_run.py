# run() is an async def: calling it only makes a coroutine; its body would
# never run and the case would come out clean. An error at load.
# e2e: verdict=error phase=load message=run is a coroutine function \(async def\)


async def run():
    raise AssertionError("never reached")
