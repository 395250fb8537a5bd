# run is a functools.partial of a generator function: code flags are
# out of sight, the returned generator is not.
# e2e: verdict=error phase=run message=run\(\) returned a generator
import functools


def produce(n):
    yield from range(n)


run = functools.partial(produce, 10)
