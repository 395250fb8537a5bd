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

from . import refgrowth

# What a frame's object is, by file name: the interpreter and libc are
# context, not the library behind a leak.
_INTERPRETER = ("libpython",)


def start():
    """Start recording; returns what stop() needs (None: cannot record)."""
    mod = sys.modules.get("_leakcheck_native")
    if mod is None:
        return None
    return mod if mod.start() else None


def py_start(recording):
    """Also record Python's MEM and OBJ blocks with their C stacks from now
    on (src/probe/pysites.h). True when it does."""
    return bool(recording is not None and recording.py_start())


def py_stop(recording):
    """Stop noting Python's blocks, after a full collection (unless the
    case turned the collector off) frees the garbage among them: what
    explain allocates next is not the case's."""
    if recording is None:
        return
    if gc.isenabled():
        gc.collect()
    recording.py_stop()


def stop(recording):
    """Stop recording; the survivors as _leakcheck_native reports them, or
    None. A full collection first (unless the case turned the collector
    off), so native memory owned by garbage is freed, as the verdict's
    readings do."""
    if recording is None:
        return None
    if gc.isenabled():
        gc.collect()
    raw = recording.stop()
    if raw is not None:
        try:
            raw["entries"] = recording.entry_points()
        except Exception:
            raw["entries"] = []
    return raw


def _entries_by_object(raw):
    out = {}
    for obj, off, name in (raw or {}).get("entries") or ():
        out.setdefault(obj, []).append((off, name))
    for v in out.values():
        v.sort()
    return out


def _name_entries(frames, entries):
    """Name, in place, a stripped library's unnamed frame entered straight
    from the interpreter by the method-table entry at or below it (the
    C function a Python call enters the extension by)."""
    for i in range(len(frames) - 1):
        f, caller = frames[i], frames[i + 1]
        if f["function"] or not (caller["object"] or "").startswith(
                "libpython"):
            continue
        best = None
        for off, name in entries.get(f["object"], ()):
            if off <= f["offset"]:
                best = (off, name)
        if best is not None:
            f["function"] = best[1]
            f["offset"] = f["offset"] - best[0]
            f["where"] = "%s (entry point, by its method table; %s)" % (
                best[1], f["object"])


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


def report(raw, iterations, why=None):
    """The JSON shape of explain.schema.json's native_sites; why: the
    note when raw is None because nothing was recorded on purpose."""
    iterations = max(int(iterations), 1)
    if raw is None:
        return {"recorded": False,
                "note": why or "this program records no native allocations "
                        "(the explain package outside the leakcheck "
                        "program, or a sanitizer build)",
                "bytes_per_iter": None, "blocks_per_iter": None,
                "bytes": None, "blocks": None, "stacks": None,
                "untracked": None, "sites": [], "functions": []}
    sites = []
    entries = _entries_by_object(raw)
    for s in raw["sites"]:
        frames = [_frame(f) for f in s["frames"]]
        _name_entries(frames, entries)
        sites.append({"bytes_per_iter": s["bytes"] / iterations,
                      "blocks_per_iter": s["blocks"] / iterations,
                      "bytes": s["bytes"], "blocks": s["blocks"],
                      "frames": frames, "truncated": s["truncated"]})
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


# -- Python-allocator blocks ---------------------------------------------------

PY_OBJECTS_SHOWN = 12   # rows of "what leaked" kept
_NOT_LIBRARY = ("libpython", "libc.so", "libunwind", "ld-linux")


def _library_frame(f, program):
    """A frame of an extension or library: not the interpreter, libc or
    the leakcheck program itself."""
    obj = f["object"] or ""
    return bool(obj) and obj != program and \
        not any(obj.startswith(p) for p in _NOT_LIBRARY)


def _what(o, names):
    """(type key, short repr or None) of a surviving object."""
    t = type(o)
    rep = None
    if refgrowth.is_atom(o):
        rep = refgrowth.atom_repr(o)
    return names.tkey(t), rep


def _object_rows(rows, n):
    """Rows of objects by type: a value that is at least half of its
    type's survivors (the 'null' of every call) is a row of its own; the
    rest of the type is one row, with a few of its values as examples
    (a fresh key per call: 'request-1', 'request-2', ...)."""
    by_type = {}
    for key, (count, nbytes) in rows.items():
        if key[0] != "raw":
            by_type.setdefault(key[0], []).append((count, nbytes, key[1]))
    out = []
    for t, vals in by_type.items():
        vals.sort(key=lambda v: (-v[0], v[2] or ""))
        total = sum(v[0] for v in vals)
        nbytes = sum(v[1] for v in vals)
        c, b, rep = vals[0]
        if rep is not None and 2 * c >= total:
            out.append({"type": t, "repr": rep, "per_iter": c / n,
                        "count": c, "bytes_per_iter": b / n,
                        "examples": []})
            vals = vals[1:]
            total -= c
            nbytes -= b
        if total:
            out.append({"type": t, "repr": None, "per_iter": total / n,
                        "count": total, "bytes_per_iter": nbytes / n,
                        "examples": [v[2] for v in vals[:3]
                                     if v[2] is not None]})
    out.sort(key=lambda r: (-r["count"], r["type"]))
    return out


def py_report(raw, py_iterations, names):
    """The JSON shape of explain.schema.json's py_blocks: what the Python
    blocks allocated in the last py_iterations measured calls and still
    alive are (objects by type and value, whatever the collector tracks;
    raw buffers by size), and the C stacks of those made below a library
    function (an extension's), as native sites are shown."""
    n = max(int(py_iterations), 1)
    if raw is None or raw.get("py") is None:
        return {"recorded": False, "iterations": 0, "bytes_per_iter": None,
                "blocks_per_iter": None, "objects": [], "raw_buffers": None,
                "sites": [], "functions": []}
    py = raw["py"]
    program = os.path.basename(sys.executable or "")
    try:
        program = os.path.basename(os.readlink("/proc/self/exe"))
    except OSError:
        pass
    rows = {}
    raw_blocks = raw_bytes = 0
    sizes = {}
    per_site = {}
    for site, o, size in raw["py_survivors"]:
        if o is None:
            raw_blocks += 1
            raw_bytes += size
            sizes[size] = sizes.get(size, 0) + 1
            key = ("raw", size)
        else:
            key = _what(o, names)
        e = rows.get(key)
        if e is None:
            e = rows[key] = [0, 0]
        e[0] += 1
        e[1] += size
        if site >= 0:
            ps = per_site.setdefault(site, {})
            ps[key] = ps.get(key, 0) + 1
    o = None
    objects = _object_rows(rows, n)
    sites = []
    entries = _entries_by_object(raw)
    for i, s in enumerate(py["sites"]):
        frames = [_frame(f) for f in s["frames"]]
        _name_entries(frames, entries)
        if not any(_library_frame(f, program) for f in frames):
            continue  # the interpreter's own: tracemalloc's sites say more
        what = []
        for key, count in sorted(per_site.get(i, {}).items(),
                                 key=lambda kv: -kv[1])[:3]:
            what.append({"type": "raw buffer" if key[0] == "raw"
                         else key[0],
                         "repr": None if key[0] == "raw" else key[1],
                         "bytes": key[1] if key[0] == "raw" else None,
                         "per_iter": count / n})
        sites.append({"bytes_per_iter": s["bytes"] / n,
                      "blocks_per_iter": s["blocks"] / n,
                      "bytes": s["bytes"], "blocks": s["blocks"],
                      "frames": frames, "truncated": s["truncated"],
                      "what": what})
    funcs = []
    for f in py["functions"]:
        d = _frame({k: f[k] for k in ("function", "object", "file", "line",
                                      "offset")})
        d.update({"bytes_per_iter": f["bytes"] / n,
                  "blocks_per_iter": f["blocks"] / n, "sites": f["sites"]})
        funcs.append(d)
    common = sorted(sizes.items(), key=lambda kv: -kv[1])[:4]
    return {"recorded": True, "iterations": n,
            "bytes_per_iter": py["bytes"] / n,
            "blocks_per_iter": py["blocks"] / n,
            "objects": objects[:PY_OBJECTS_SHOWN],
            "raw_buffers": {"blocks_per_iter": raw_blocks / n,
                            "bytes_per_iter": raw_bytes / n,
                            "sizes": [{"bytes": b, "per_iter": c / n}
                                      for b, c in common]},
            "sites": sites, "functions": funcs}
