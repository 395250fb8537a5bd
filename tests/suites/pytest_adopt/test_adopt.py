"""A project adopting leakcheck with two leaks it already has (tests/e2e_adopt.py).

The test copies this folder and edits the copy: it adds a third leak
(the commented-out test at the end) and fixes one (LEAK_REGISTRY = False).
"""

LEAK_REGISTRY = True
_cache = []
_registry = {}


def test_cache_keeps_every_call():
    _cache.append(object())


def test_registry_keeps_every_call():
    if LEAK_REGISTRY:
        _registry[len(_registry)] = [len(_registry)]


def test_clean_sum():
    assert sum([1, 2, 3]) == 6
