# leakcheck: expect=leak
# leakcheck: source="python/cpython#85594 / bpo-41422 (fixed in 3.11.7 / 3.12.1)"
"""Reference cycles that pass through the C pickle.Pickler's internal memo are
never collected: Pickler_traverse() in Modules/_pickle.c did not visit the
objects stored in the PyMemoTable, so the cycle collector could not see the
edge pickler -> memo -> obj.  Here a list is dumped (entering the memo) and then
made to reference the pickler, creating pickler -> memo -> list -> pickler; the
whole group (pickler, BytesIO, memo table, list) is leaked every call.
bpo-41422 "Fixed memory leaks of pickle.Pickler and pickle.Unpickler involving
cyclic references via the internal memo mapping", fixed in 3.11.7 and 3.12.1."""
import io
import pickle


def run():
    p = pickle.Pickler(io.BytesIO())
    obj = [1, 2, 3]
    p.dump(obj)        # obj is now held by the C memo table
    obj.append(p)      # cycle p -> memo -> obj -> p, invisible to the GC
