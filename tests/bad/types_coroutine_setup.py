# setup() is a generator-based coroutine (@types.coroutine): CO_ITERABLE_COROUTINE.
# e2e: verdict=error phase=load message=setup is a generator-based coroutine
import types


@types.coroutine
def setup():
    yield


def run():
    pass
