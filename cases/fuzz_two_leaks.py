# leakcheck: expect=clean
# leakcheck: source="planted for leakcheck fuzz: a command reader with two distinct leaks, for campaigns that keep going"
"""A command reader that leaks two different ways, on two different commands.

fuzz(data) reads a command byte and its argument. b"S" + key stores the
argument in a session table keyed by a fresh session number, and nothing
ever removes it: +1 dict per call. b"T" + name files a Token object, in a
list of its own, in a module-level list of "pending" tokens, never
drained: +1 Token and +1 list per call.
Every other command keeps nothing.

Two leaks, at two allocation sites and of two types, each keeping more
blocks at its own line than at the slicing of the argument (which both
keep): one `leakcheck fuzz`
campaign must report both, each once, as two regression cases (the
fuzz_campaign test). run() replays a harmless command: the case itself is
clean.
"""

import itertools

_sessions = {}
_session_ids = itertools.count()
_pending = []


class Token:
    __slots__ = ("name", "ttl")

    def __init__(self, name):
        self.name = name
        self.ttl = 60


def handle(data):
    if not data:
        return None
    cmd, arg = data[:1], data[1:]
    if cmd == b"S":
        _sessions[next(_session_ids)] = {"key": arg}  # leak 1
        return b"ok"
    if cmd == b"T":
        _pending.append([Token(arg)])  # leak 2
        return b"ok"
    if cmd == b"E":
        return arg
    return arg.upper()


def run():
    handle(b"Ehello")


def fuzz(data):
    handle(data)
