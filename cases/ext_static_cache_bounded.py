# leakcheck: expect=clean
# leakcheck: source="tests/ext/_lcleaky.c, planted"
"""Twin of ext_static_cache_grows: the static dict is emptied at 64
entries (a sawtooth, bounded).
"""

import itertools

import _lcleaky_path

lcleaky = _lcleaky_path.load()
counter = itertools.count()


def run():
    lcleaky.cache_bounded(next(counter) + 1000)
