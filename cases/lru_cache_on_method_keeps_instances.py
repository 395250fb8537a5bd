# leakcheck: expect=leak
# leakcheck: source="functools.cache on a method (flake8-bugbear B019)"
"""functools.cache on a method keeps every instance it was called on alive.

The cache key includes self, so the module-level cache holds a strong
reference to each Report instance (and its data) after the caller dropped it.
A new instance per call means one instance, its dict and its data list kept
per call, forever.
"""

import functools


class Report:
    def __init__(self, n):
        self.data = list(range(n))

    @functools.cache
    def total(self):
        return sum(self.data)


def run():
    Report(20).total()


def teardown():
    Report.total.cache_clear()
