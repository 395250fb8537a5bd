"""nativesites.py - where the native heap's growth was allocated: the C
call stacks of the malloc'ed blocks made between begin() and finish() that
are still allocated, grouped by stack and ranked by bytes, with the library
functions on those stacks ranked by the bytes allocated below them.

The recording is the program's (src/probe/native.h): its own malloc family,
switched on by the builtin module _leakcheck_native only around the
measured run() calls of this pass, never in a verdict's worker. Python's
own blocks (and tracemalloc's tables) are left out there: they are counted
in py_blocks already. When the program cannot record (the package loaded
by tests/explain/explain_loader.py into a plain python3.11, a sanitizer
build), the report says so.
"""

import gc
import os
import sys

# What a frame's object is, by file name: the interpreter and libc are
# context, not the library behind a leak.
_INTERPRETER = ("libpython",)


def start():
    """Start recording; returns what stop() needs (None: cannot record)."""
    mod = sys.modules.get("_leakcheck_native")
    if mod is None:
        return None
    return mod if mod.start() else None


def stop(recording):
    """Stop recording; the survivors as _leakcheck_native reports them, or
    None. A full collection first (unless the case turned the collector
    off), so native memory owned by garbage is freed, as the verdict's
    readings do."""
    if recording is None:
        return None
    if gc.isenabled():
        gc.collect()
    return recording.stop()


def _short(path):
    if not path:
        return path
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return rel if not rel.startswith("..") else path


def where(f):
    """One frame as people read it: `func at file:line (object)`."""
    name = f["function"] or "??"
    if not f["function"]:
        name = "?? (%s+0x%x)" % (f["object"] or "?", f["offset"])
        obj = ""
    else:
        obj = " (%s)" % f["object"] if f["object"] else ""
    at = ""
    if f["file"]:
        at = " at %s:%d" % (_short(f["file"]), f["line"])
    return name + at + obj


def _frame(f):
    out = dict(f)
    out["file"] = _short(f["file"])
    out["where"] = where(f)
    return out


def report(raw, iterations):
    """The JSON shape of explain.schema.json's native_sites."""
    iterations = max(int(iterations), 1)
    if raw is None:
        return {"recorded": False,
                "note": "this program records no native allocations (the "
                        "explain package outside the leakcheck program, "
                        "or a sanitizer build)",
                "bytes_per_iter": None, "blocks_per_iter": None,
                "bytes": None, "blocks": None, "stacks": None,
                "untracked": None, "sites": [], "functions": []}
    sites = []
    for s in raw["sites"]:
        sites.append({"bytes_per_iter": s["bytes"] / iterations,
                      "blocks_per_iter": s["blocks"] / iterations,
                      "bytes": s["bytes"], "blocks": s["blocks"],
                      "frames": [_frame(f) for f in s["frames"]],
                      "truncated": s["truncated"]})
    funcs = []
    for f in raw["functions"]:
        d = _frame({k: f[k] for k in ("function", "object", "file", "line",
                                      "offset")})
        d.update({"bytes_per_iter": f["bytes"] / iterations,
                  "blocks_per_iter": f["blocks"] / iterations,
                  "sites": f["sites"]})
        funcs.append(d)
    note = None
    if raw["untracked"]:
        note = ("%d allocations were not recorded: the table was full"
                % raw["untracked"])
    return {"recorded": True, "note": note,
            "bytes_per_iter": raw["bytes"] / iterations,
            "blocks_per_iter": raw["blocks"] / iterations,
            "bytes": raw["bytes"], "blocks": raw["blocks"],
            "stacks": raw["stacks"], "untracked": raw["untracked"],
            "elapsed_s": round(raw["elapsed_s"], 3),
            "sites": sites, "functions": funcs}
