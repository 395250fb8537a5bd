"""others.py - the signals that are not Python objects: file descriptors
(from /proc/self/fd, with the live file or socket object holding each),
threads (from threading's own tables, read as fields), and the native heap
(which nothing in Python can attribute: the code of the case that reaches
native code is listed instead).
"""

import linecache
import os
import sys
import threading

from . import safe
from .census import fd_table
from .sites import format_site


def fd_report(st, names, fd_owners, iterations):
    now = fd_table()
    if st.fds is None or now is None:
        return None
    new = []
    for fd in sorted(now):
        if fd not in st.fds or st.fds[fd] != now[fd]:
            owner = fd_owners.get(fd)
            new.append({"fd": fd, "target": now[fd],
                        "owner": owner[0] if owner else None,
                        "allocated_at": format_site(owner[1], names)
                        if owner else None})
    return {"before": len(st.fds), "after": len(now),
            "per_iter": (len(now) - len(st.fds)) / iterations, "new": new}


def new_threads(st, own):
    """[[ident, Thread]] of the threads started since begin(), in lists
    explain owns."""
    active = getattr(threading, "_active", None)
    out = own.mine([])
    if type(active) is dict:
        try:
            for ident, th in dict.items(active):
                if ident not in st.thread_ids:
                    out.append(own.mine([ident, th]))
        except Exception:
            pass
    return out


def thread_report(st, own, names, pins, iterations):
    frames = sys._current_frames()
    new = []
    items = new_threads(st, own)
    for ident, th in items:
        d = names.instance_dict(th)
        name = safe.dget(d, "_name")
        target = safe.dget(d, "_target")
        daemon = safe.dget(d, "_daemonic")
        info = {"ident": ident,
                "name": name if type(name) is str else None,
                "daemon": daemon if type(daemon) is bool else None,
                "target": names.func_name(target)
                if target is not None else None,
                "type": names.tkey(type(th)),
                "started_at": pins.alloc_site(th),
                "now_in": None}
        f = frames.get(ident)
        if f is not None:
            try:
                code = safe.F_CODE.__get__(f)
                info["now_in"] = "%s() at %s:%s" % (
                    safe.CO_QUALNAME.__get__(code),
                    names.short(safe.CO_FILENAME.__get__(code)),
                    safe.F_LINENO.__get__(f))
            except Exception:
                pass
        new.append(info)
    del items, frames
    n = len(threading.enumerate())
    return {"before": st.nthreads, "after": n,
            "per_iter": (n - st.nthreads) / iterations, "new": new}


def _uses_name(s, name):
    """True when the source line s uses name as `name.` or `name(`."""
    j = s.find(name)
    while j >= 0:
        end = j + len(name)
        if (j == 0 or not (s[j - 1].isalnum() or s[j - 1] in "_.")) and \
                end < len(s) and s[end] in ".(":
            return True
        j = s.find(name, j + 1)
    return False


def _native_names(st, names):
    """[(global name, what)] of the case's globals that reach native code:
    C extension modules, ctypes and its objects."""
    out = []
    case = sys.modules.get(st.case_name)
    md = safe.mdict(case) if case is not None and \
        issubclass(type(case), safe.ModuleType) else None
    if md is None:
        return out
    try:
        items = list(dict.items(md))
    except Exception:
        items = []
    for name, v in items:
        if type(name) is not str:
            continue
        tv = type(v)
        if issubclass(tv, safe.ModuleType):
            f = safe.dget(safe.mdict(v), "__file__")
            mname = safe.dget(safe.mdict(v), "__name__")
            if (type(f) is str and f.endswith(".so")) or mname == "ctypes":
                out.append((name, "module " + str(mname)))
        else:
            k = names.tkey(tv)
            if k.startswith("ctypes.") or k.startswith("_ctypes."):
                out.append((name, k))
    return out


def native_report(st, names, native_per_iter, sites):
    """Native heap growth cannot be attributed; list what the case uses that
    reaches native code (ctypes libraries, C extension modules) and where."""
    cand = []
    used = _native_names(st, names)
    if used and st.case_file:
        # lines of the per-iteration code (not setup/teardown/module level)
        # that use one of those names
        lines = linecache.getlines(st.case_file)
        for ln, line in enumerate(lines, 1):
            s = line.strip()
            if not s or s.startswith("#"):
                continue
            func = names.func_at(st.case_file, ln)
            if func in ("<module>", "?", "setup", "teardown"):
                continue
            for name, what in used:
                if _uses_name(s, name):
                    cand.append("%s: %s   [%s: %s]" % (
                        names.site(st.case_file, ln), s[:60], name, what))
                    break
            if len(cand) >= 6:
                break
    for s in sites or ():
        for fr in s["frames"]:
            if os.sep + "ctypes" + os.sep in fr["filename"]:
                cand.append(fr["where"] + "   (ctypes, in a tracemalloc site)")
                break
    return {"bytes_per_iter": native_per_iter,
            "note": "outside Python's allocators: tracemalloc and gc cannot "
                    "see it, so no types or Python allocation sites can be "
                    "attributed (its C stacks: native sites)",
            "candidates": cand[:8]}
