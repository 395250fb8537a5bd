# run() returns an object with __await__: its work never happens.
# e2e: verdict=error phase=run message=run\(\) returned an awaitable


class Later:
    def __await__(self):
        yield


def run():
    return Later()
