# leakcheck: expect=clean
# leakcheck: source="class attribute registry of every instance (the fix: a WeakSet)"
"""Every instance registers itself in a class-level WeakSet.

The fix for class_level_registry_grows.py: the registry holds weak
references, so an instance the caller dropped leaves the set when it dies
and the set's size stays flat.
"""

import weakref


class Connection:
    instances = weakref.WeakSet()

    def __init__(self, host):
        self.host = host
        self.buffer = bytearray(64)
        Connection.instances.add(self)


def run():
    Connection("db.example")
    assert len(Connection.instances) == 0
