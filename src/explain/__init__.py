"""_leakcheck_explain - why a case grows: what grew, where it was allocated,
who holds it.

The analysis half of `leakcheck explain`, a package of modules that the C
side (src/explain/explain.c) installs in the worker's interpreter from strings built
into the program, under the private name `_leakcheck_explain`, each compiled
as "<leakcheck>/explain/<module>.py" with its source in linecache (so a
traceback from this code shows its lines). tests/explain/explain_loader.py
installs the same files the same way. The one entry point is
entry.run(module, ...) (entry.py says what it does and its defaults).

    safe.py      reads that run none of the program's code; explain's own
                 containers (Own), the time budget (Budget)
    drive.py     the loop that calls the case's run()
    names.py     how types, keys, functions and source positions are named
    census.py    begin(): what existed; finish(): what is new, what grew
    sites.py     allocation sites: tracemalloc snapshots, pinned frames
    holders.py   who holds it: the shortest reference chain from a root
    others.py    descriptors, threads, the native heap
    render.py    the text report, the JSON text, the DOT picture
    entry.py     run(), begin(), finish()

Standard library only. It never relies on its own __file__: its own frames
and allocations are recognised by the code filename prefix it was compiled
under, whatever that is.

What it refuses to do, and why:
- It never runs the program's code (other than the case's run(), which
  entry.run() calls on purpose). Objects are looked at through `type(x)`,
  `id(x)`, `is`, gc.get_referents/get_referrers and C-level descriptors read
  off the type (member descriptors, a short list of pure getsets), never
  through repr(), ==, hash(), getattr() or isinstance() (which may consult a
  hostile __class__). Dict keys are printed only when their exact type is
  str/int/float/bytes/bool/None, a class (by name) or a tuple of those;
  anything else shows as its type.
- Its searches are bounded: chain depth, frontier size and a CPU-time budget.
- It keeps no reference to the program's objects once finish() returns (the
  state keeps ids, counts and a tracemalloc snapshot only). Two side effects
  remain: instance __dict__s it had to read are materialised (as reading
  obj.__dict__ would), and frames of other threads keep the f_locals dict it
  asked for until they next run or return.
"""
