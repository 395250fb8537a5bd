"""render.py - the explanation as JSON, as text for people, and the holder
chains as a Graphviz DOT file (and an SVG when `dot` is installed).

The JSON object is versioned (EXPLAIN_VERSION) and every field is written
down in explain.schema.json beside this file; change both together, and
bump the version when a field changes meaning or goes away.
"""

import json
import os
import shutil
import subprocess

EXPLAIN_VERSION = 1
TOP_TYPES = 15         # rows of "what grew" kept; the tail is noise
FDS_SHOWN = 8
NATIVE_SITES_SHOWN = 5  # native sites in the text (the JSON has all)
NATIVE_FRAMES_SHOWN = 10
NATIVE_TEXT_MIN = 32.0  # B/it of native sites worth a section by themselves
THREADS_SHOWN = 8
PY_OBJECTS_SHOWN = 8   # rows of section 1's Python blocks in the text
WIDTH = 100            # text report line length


def to_json(rep):
    """The report as JSON text, the version first."""
    out = {"explain_version": EXPLAIN_VERSION}
    out.update(rep)
    return json.dumps(out, sort_keys=False)


def _dot_quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_dot(path, holders, notes, seconds_left):
    """Write the holder chains' graphs to path; render an SVG beside it
    when Graphviz is on PATH. Returns {"dot": path or None, "svg": ...}."""
    lines = ["digraph leakcheck {", "  rankdir=LR;",
             '  node [shape=box, fontname="monospace", fontsize=10];',
             '  edge [fontname="monospace", fontsize=9];']
    seen = set()
    for h in holders:
        g = h.get("graph")
        if not g:
            continue
        for nid, lab, is_root in g["nodes"]:
            if nid in seen:
                continue
            seen.add(nid)
            extra = ", style=filled, fillcolor=lightblue" if is_root else ""
            lines.append("  %s [label=%s%s];" % (nid, _dot_quote(lab), extra))
        for a, b, lab in g["edges"]:
            if (a, b, lab) in seen:
                continue
            seen.add((a, b, lab))
            lines.append("  %s -> %s [label=%s];" % (a, b, _dot_quote(lab)))
    lines.append("}")
    out = {"dot": path, "svg": None}
    try:
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
    except OSError as e:
        notes.append("could not write %s: %s" % (path, e.strerror))
        out["dot"] = None
        return out
    dot = shutil.which("dot")
    if dot:
        svg = os.path.splitext(path)[0] + ".svg"
        budget = max(seconds_left, 2.0)
        try:
            subprocess.run([dot, "-Tsvg", path, "-o", svg], check=True,
                           timeout=budget, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            out["svg"] = svg
        except (OSError, subprocess.SubprocessError):
            notes.append("dot -Tsvg failed for " + path)
    return out



def _num(x):
    a = abs(x)
    if a >= 100:
        return "%+.0f" % x
    if a >= 10:
        return "%+.1f" % x
    return "%+.2f" % x


def _bytes(x):
    a = abs(x)
    if a >= 1 << 20:
        return "%+.1f MiB" % (x / (1 << 20))
    if a >= 10 << 10:
        return "%+.1f KiB" % (x / 1024)
    return "%+.0f B" % x


def _wrap(prefix, s, out, indent=None):
    """Append prefix + s as lines of at most WIDTH characters, breaking at a
    space when there is one in the second half of the line."""
    indent = indent if indent is not None else " " * len(prefix)
    lead = prefix
    while True:
        room = max(WIDTH - len(lead), 20)
        if len(s) <= room:
            out.append(lead + s)
            return
        cut = s.rfind(" ", room // 2, room + 1)
        if cut <= 0:
            cut = room
        out.append(lead + s[:cut].rstrip())
        s = s[cut:].lstrip()
        lead = indent


def _group(items, fields):
    """Items equal in `fields`, in first-seen order."""
    groups = {}
    order = []
    for e in items:
        k = tuple(str(e[f]) for f in fields)
        g = groups.get(k)
        if g is None:
            g = groups[k] = []
            order.append(g)
        g.append(e)
    return order


def _fd_list(g):
    fds = [e["fd"] for e in g]
    if len(fds) == 1:
        return "fd %d" % fds[0]
    if len(fds) <= 4:
        return "fds " + ", ".join(str(f) for f in fds)
    return "%d fds %d, %d, ..., %d" % (len(fds), fds[0], fds[1], fds[-1])


def _collapsed(frames):
    """Frames as lines, a run of unnamed frames of one object as one."""
    lines = []
    run = []
    for fr in frames + [None]:
        if fr is not None and not fr["function"] and \
                (not run or run[0]["object"] == fr["object"]):
            run.append(fr)
            continue
        if len(run) == 1:
            lines.append(run[0]["where"])
        elif run:
            lines.append("?? (%d frames in %s without symbols)" % (
                len(run), run[0]["object"] or "?"))
        run = []
        if fr is not None and not fr["function"]:
            run.append(fr)
        elif fr is not None:
            lines.append(fr["where"])
    return lines


def _native_sites_text(rep, out):
    """Section 5, when the native heap grew (or the recorded sites did)."""
    ns = rep.get("native_sites")
    grew = bool(rep["native"]) or (
        ns and ns["recorded"] and ns["bytes_per_iter"] >= NATIVE_TEXT_MIN)
    if not ns or not grew:
        return
    out.append("")
    out.append("5. Native allocation sites (C stacks of blocks malloc'ed in "
               "the measured calls, still allocated)")
    if not ns["recorded"]:
        _wrap("   ", ns["note"], out)
        return
    out.append("   %s/it  %s blocks/it  in %d stack%s   (total %s, %+d blocks)"
               % (_bytes(ns["bytes_per_iter"]), _num(ns["blocks_per_iter"]),
                  ns["stacks"], "" if ns["stacks"] == 1 else "s",
                  _bytes(ns["bytes"]), ns["blocks"]))
    if ns["note"]:
        _wrap("   note: ", ns["note"], out, "         ")
    if not ns["sites"]:
        out.append("   no native block allocated in the measured calls "
                   "stayed allocated")
        return
    if ns["functions"]:
        out.append("   library functions, by the bytes allocated below them:")
        for f in ns["functions"]:
            _wrap("   %12s/it %7s blocks/it  " % (
                _bytes(f["bytes_per_iter"]), _num(f["blocks_per_iter"])),
                f["where"], out, " " * 40)
    for i, s in enumerate(ns["sites"][:NATIVE_SITES_SHOWN]):
        out.append("  #%-2d %s/it  %s blocks/it   (total %s, %+d blocks)" % (
            i + 1, _bytes(s["bytes_per_iter"]), _num(s["blocks_per_iter"]),
            _bytes(s["bytes"]), s["blocks"]))
        for w in _collapsed(s["frames"][:NATIVE_FRAMES_SHOWN]):
            _wrap("        ", w, out, "          ")
        if s["truncated"] or len(s["frames"]) > NATIVE_FRAMES_SHOWN:
            out.append("        ...")
    if len(ns["sites"]) > NATIVE_SITES_SHOWN:
        out.append("   ... and %d more stacks (JSON: native_sites)" % (
            len(ns["sites"]) - NATIVE_SITES_SHOWN))


def _what_text(w):
    if w["repr"] is not None:
        return "%s %s" % (w["type"].replace("builtins.", ""), w["repr"])
    if w.get("examples"):
        return "%s (%s, ...)" % (w["type"], ", ".join(w["examples"]))
    if w.get("bytes") is not None:
        return "raw buffer of %d B" % w["bytes"]
    return w["type"]


def _py_objects_text(rep, out):
    """Section 1's census of the Python blocks that stayed: objects whether
    the collector tracks them or not, and raw buffers."""
    pb = rep.get("py_blocks")
    if not pb or not pb["recorded"]:
        return
    rows = [o for o in pb["objects"] if o["count"] >= 2]
    rb = pb["raw_buffers"]
    if not rows and not rb["blocks_per_iter"]:
        return
    out.append("   blocks of Python's allocators that stayed (last %d calls, "
               "tracked or not):" % pb["iterations"])
    for o in rows[:PY_OBJECTS_SHOWN]:
        _wrap("   %8s  " % _num(o["per_iter"]), "%s   (%s/it)" % (
            _what_text(o), _bytes(o["bytes_per_iter"])), out, " " * 13)
    if rb["blocks_per_iter"]:
        _wrap("   %8s  " % _num(rb["blocks_per_iter"]),
              "raw buffers (no object): %s/it, sizes %s" % (
                  _bytes(rb["bytes_per_iter"]),
                  ", ".join("%d B" % z["bytes"] for z in rb["sizes"])),
              out, " " * 13)


def _py_sites_text(rep, out):
    """Section 6: C stacks of the Python blocks that stayed, where a
    library function (an extension's) is on the stack."""
    pb = rep.get("py_blocks")
    if not pb or not pb["recorded"] or not pb["sites"]:
        return
    out.append("")
    out.append("6. C stacks of the Python-allocator blocks that stayed "
               "(below an extension's function)")
    for i, s in enumerate(pb["sites"][:NATIVE_SITES_SHOWN]):
        what = ", ".join("%s %s/it" % (_what_text(w), _num(w["per_iter"]))
                         for w in s["what"])
        out.append("  #%-2d %s/it  %s blocks/it" % (
            i + 1, _bytes(s["bytes_per_iter"]), _num(s["blocks_per_iter"])))
        if what:
            _wrap("        what: ", what, out, "          ")
        for w in _collapsed(s["frames"][:NATIVE_FRAMES_SHOWN]):
            _wrap("        ", w, out, "          ")
        if s["truncated"] or len(s["frames"]) > NATIVE_FRAMES_SHOWN:
            out.append("        ...")


def _refs_text(rep, out):
    """Section 1's references, when the refs signal grew: the objects whose
    reference count grows and the calls that take the references."""
    rf = rep.get("refs")
    if not rf:
        return
    out.append("   references (objects whose reference count grew, refs per "
               "iteration; the calls that took them):")
    if rf["note"]:
        _wrap("   ", rf["note"], out)
    for r in rf["objects"]:
        _wrap("   %8s  " % _num(r["refs_per_iter"]), r["object"], out,
              " " * 13)
        for t in r["takers"]:
            _wrap("             %s refs/it by " % _num(t["refs_per_iter"]),
                  "%s (%s)" % (t["call"], t["kind"]), out, " " * 17)
            if t["at"]:
                _wrap("                 at ", t["at"], out, " " * 20)
        if not r["takers"] and rf["attributed_iterations"]:
            out.append("             no call of %d traced iterations took one"
                       % rf["attributed_iterations"])


def to_text(rep):
    out = []
    g = rep["growth"]
    subject = rep["case_short"]
    if rep.get("test"):
        subject = "%s (a test in %s)" % (rep["test"], rep["case_short"])
    _wrap("leakcheck explain: ", "%s: %d iterations, gc %s" % (
        subject, rep["iterations"],
        "enabled" if rep["gc_enabled"] else "DISABLED"), out, "    ")
    if g:
        parts = []
        for k in sorted(g):
            v = g[k]
            parts.append("%s %s" % (k, _num(v) if type(v) in (int, float) else v))
        _wrap("growth per iteration (leakcheck's verdict): ", ", ".join(parts),
              out, "    ")
    out.append("")
    out.append("1. What grew (objects per iteration, largest first; untracked: "
               "new objects alive)")
    if rep["types"]:
        for r in rep["types"]:
            _wrap("   %8s  " % _num(r["per_iter"]),
                  "%-44s %s" % (r["type"], r["how"]), out)
    else:
        out.append("   no Python object type grew in number (a container "
                   "growing in size, or native memory)")
    _py_objects_text(rep, out)
    _refs_text(rep, out)
    out.append("")
    out.append("2. Where it was allocated (tracemalloc, by traceback, per iteration)")
    if rep["sites"] is None:
        out.append("   tracemalloc was not tracing")
    elif not rep["sites"]:
        out.append("   no Python-allocator memory grew between begin() and finish()")
    for i, s in enumerate(rep["sites"] or ()):
        out.append("  #%-2d %s/it  %s blocks/it   (total %s, %+d blocks)" % (
            i + 1, _bytes(s["bytes_per_iter"]), _num(s["blocks_per_iter"]),
            _bytes(s["size_diff"]), s["count_diff"]))
        for fr in s["frames"]:
            _wrap("        ", fr["where"], out)
    out.append("")
    out.append("3. Who holds it (shortest reference chain from a root)")
    if not rep["holders"]:
        out.append("   no new object to follow")
    prev = None
    for h in rep["holders"]:
        # samples of one type found the same way read as one entry
        same = prev is not None and prev["type"] == h["type"] and \
            prev["status"] == h["status"] == "found" and \
            prev["allocated_at"] == h["allocated_at"]
        if not same:
            _wrap("   ", h["type"], out, "       ")
            if h["allocated_at"]:
                _wrap("     allocated at ", h["allocated_at"], out, "       ")
        _wrap("       ", h["chain"] or "?", out, "         ")
        if h.get("cycle"):
            _wrap("       cycle: ", h["cycle"], out, "              ")
        if h.get("note"):
            _wrap("       note: ", h["note"], out, "             ")
        prev = h
    out.append("")
    out.append("4. Other signals")
    fds = rep["fds"]
    if fds is None:
        out.append("   fds: /proc/self/fd not readable")
    else:
        out.append("   fds: %s/it (%d -> %d, %d new)" % (
            _num(fds["per_iter"]), fds["before"], fds["after"], len(fds["new"])))
        groups = _group(fds["new"], ("target", "owner", "allocated_at"))
        for g in groups[:FDS_SHOWN]:
            e = g[0]
            s = "%s -> %s" % (_fd_list(g), e["target"])
            _wrap("       ", s, out, "           ")
            if e["owner"]:
                _wrap("           held by a live ", e["owner"] + (
                    ", allocated at " + e["allocated_at"]
                    if e["allocated_at"] else ""), out, "             ")
        if len(groups) > FDS_SHOWN:
            out.append("       ... and %d more" % (len(groups) - FDS_SHOWN))
    th = rep["threads"]
    out.append("   threads: %s/it (%d -> %d, %d new)" % (
        _num(th["per_iter"]), th["before"], th["after"], len(th["new"])))
    groups = _group(th["new"], ("target", "daemon", "now_in", "started_at",
                                "type"))
    for g in groups[:THREADS_SHOWN]:
        e = g[0]
        names = [repr(x["name"]) for x in g]
        if len(names) > 3:
            names = names[:2] + ["...", names[-1]]
        _wrap("       ", "%d thread%s %s (%s%s)" % (
            len(g), "" if len(g) == 1 else "s", ", ".join(names), e["type"],
            ", daemon" if e["daemon"] else ""), out, "         ")
        _wrap("         target: ", str(e["target"]), out, "           ")
        if e["now_in"]:
            _wrap("         now in: ", e["now_in"], out, "           ")
        if e["started_at"]:
            _wrap("         created at: ", e["started_at"], out, "           ")
    if len(groups) > THREADS_SHOWN:
        out.append("       ... and %d more" % (len(groups) - THREADS_SHOWN))
    nat = rep["native"]
    if nat:
        out.append("   native heap: %s/it %s" % (
            _bytes(nat["bytes_per_iter"]), "(measured by leakcheck)"))
        _wrap("       ", nat["note"], out)
        if nat["candidates"]:
            out.append("       code of the case that reaches native code:")
            for c in nat["candidates"]:
                _wrap("         ", c, out)
    _native_sites_text(rep, out)
    _py_sites_text(rep, out)
    if rep["notes"]:
        out.append("")
        for n in rep["notes"]:
            _wrap("note: ", n, out, "      ")
    if rep.get("dot"):
        _wrap("graph: ", "%s%s" % (rep["dot"]["dot"], (" and " + rep["dot"]["svg"])
                                   if rep["dot"]["svg"] else ""), out)
    return "\n".join(out) + "\n"
