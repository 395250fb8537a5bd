# leakcheck: expect=leak
# leakcheck: source="class attribute list that registers every instance"
"""Every instance registers itself in a class-level list and never leaves.

Connection.__init__ appends self to the class attribute Connection.instances
(meant for "close all at shutdown"); there is no removal, so each instance
created and dropped by the caller stays alive through the class.
"""


class Connection:
    instances = []

    def __init__(self, host):
        self.host = host
        self.buffer = bytearray(64)
        Connection.instances.append(self)


def run():
    Connection("db.example")


def teardown():
    Connection.instances.clear()
