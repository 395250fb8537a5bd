# leakcheck: expect=leak
# leakcheck: source="tests/ext/_lcleaky.c, planted"
"""A static dict in the extension keeps every key it is given, and each
call gives a new one.
"""

import itertools

import _lcleaky_path

lcleaky = _lcleaky_path.load()
counter = itertools.count()


def run():
    lcleaky.cache_grows(next(counter) + 1000)
