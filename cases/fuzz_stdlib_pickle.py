# leakcheck: expect=clean
# leakcheck: source="stdlib campaign (bench/fuzz_stdlib.sh): pickle's C unpickler (_pickle)"
"""The C unpickler (Modules/_pickle.c) on any bytes, with no globals.

find_class refuses every global, so no input can reach a callable: the
unpickler's own code (opcodes, memo, stack, marks, framing, persistent
ids refused) is what is fuzzed. run() loads a small pickle.
"""

import io
import pickle


class _NoGlobals(pickle.Unpickler):
    def find_class(self, module, name):
        raise pickle.UnpicklingError("global %s.%s refused" % (module, name))


SAMPLE = pickle.dumps({"a": [1, 2.5, "x", None, (True, b"b")], 3: {4, 5}},
                      protocol=4)


def run():
    _NoGlobals(io.BytesIO(SAMPLE)).load()


def fuzz(data):
    _NoGlobals(io.BytesIO(data)).load()
