# leakcheck: expect=leak
# leakcheck: source="python/cpython#85594 / bpo-41422 (fixed in 3.11.7 / 3.12.1)"
"""Unpickler side of bpo-41422: Unpickler_traverse() in Modules/_pickle.c did
not visit the entries of the unpickler's memo array, so a cycle
unpickler -> memo -> loaded object -> unpickler is uncollectable.  Each call
loads a list (which the C unpickler memoizes) and makes it reference the
unpickler; the unpickler, its memo, buffers and the list are leaked every call.
Fixed together with the Pickler half in 3.11.7 and 3.12.1."""
import io
import pickle

DATA = pickle.dumps([1, 2, 3])


def run():
    u = pickle.Unpickler(io.BytesIO(DATA))
    obj = u.load()     # obj is now held by the C unpickler memo
    obj.append(u)      # cycle u -> memo -> obj -> u, invisible to the GC
