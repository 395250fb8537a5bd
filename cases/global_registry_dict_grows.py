# leakcheck: expect=leak
# leakcheck: source="seed article, global registry example"
"""A module-level registry dict that only ever grows.

Each call registers a new handler record under a fresh id in the global
_registry dict; there is no unregister, so one key, one record dict and its
values stay alive per call.
"""

import itertools

_registry = {}
_ids = itertools.count()


def register(kind, payload):
    key = f"{kind}-{next(_ids)}"
    _registry[key] = {"kind": kind, "payload": payload}
    return key


def run():
    register("request", [1, 2, 3])


def teardown():
    _registry.clear()
