"""census.py - what existed at begin(), and what is new at finish().

begin() records ids, per-type counts, descriptors and threads (Before), then
starts tracing. finish() walks gc.get_objects() twice (Census): a lean pass
while tracemalloc still traces, keeping a few new objects per type as chain
candidates with their allocation frames pinned; then the full count, with
the new untracked objects (str, int, ...) found as referents.
"""

import gc
import os
import sys
import threading
import time
import tracemalloc

from . import refgrowth, safe
from .sites import obj_frames

SAMPLES_PER_TYPE = 8    # newest objects kept per type as chain candidates


class Before:
    """What begin() hands to finish(): ids, counts, strings, a snapshot;
    never a program object."""

    __slots__ = ("case_name", "case_stem", "case_file", "case_id", "depth",
                 "counts", "ids", "uids", "snapshot", "started_tracing", "fds",
                 "thread_ids", "nthreads", "gc_enabled", "begin_s",
                 "native_sites", "refs_snap", "py_blocks", "frames_stop")


def _type_census(objs, case_name, stem):
    counts = {}
    keys = {}
    for o in objs:
        t = type(o)
        k = keys.get(id(t))
        if k is None:
            k = keys[id(t)] = safe.tkey_raw(t, case_name, stem)
        counts[k] = counts.get(k, 0) + 1
    return counts


def fd_table():
    """{fd: what it points to} of this process, or None."""
    try:
        names = os.listdir("/proc/self/fd")
    except OSError:
        return None
    out = {}
    for n in names:
        try:
            out[int(n)] = os.readlink("/proc/self/fd/" + n)
        except (OSError, ValueError):
            pass  # the descriptor listdir used, already closed
    return out


def _thread_idents():
    ids = set()
    for table in (getattr(threading, "_active", None),
                  getattr(threading, "_limbo", None)):
        if type(table) is not dict:
            continue
        try:
            for k, v in dict.items(table):
                if type(k) is int:
                    ids.add(k)
        except Exception:
            pass
    return ids


def _begin_ids(objs):
    """ids of the tracked objects, and of the untracked ones (str, int,
    atomic tuples and dicts, ...) they refer to: what existed at begin().
    Recorded before tracing starts, so finish() can tell new untracked
    objects without tracemalloc, whose tracing makes every Python-level loop
    there an order of magnitude slower."""
    ids = set()
    uids = set()
    for o in objs:
        ids.add(id(o))
    stack = []
    for o in objs:
        _push_untracked(gc.get_referents(o), uids, stack)
        while stack:
            _push_untracked(gc.get_referents(stack.pop()), uids, stack)
    return ids, uids


def _push_untracked(refs, seen, stack):
    """Push the untracked objects among refs whose ids are not in seen yet
    (adding them to it)."""
    is_tracked = gc.is_tracked
    for r in refs:
        if not is_tracked(r) and id(r) not in seen:
            seen.add(id(r))
            stack.append(r)


def take_before(module, depth, refs=False):
    """Record what exists, then start tracing (last, so explain's own
    bookkeeping above is untraced). refs: also the reference counts
    (refgrowth.snapshot(), in st.refs_snap), read after explain's own
    bookkeeping is made so that none of it counts as grown."""
    t0 = time.perf_counter()
    gc_on = gc.isenabled()
    if gc_on:
        gc.collect()
    case_name, stem, case_file = safe.case_names(module)
    objs = gc.get_objects()
    counts = _type_census(objs, case_name, stem)
    ids, uids = _begin_ids(objs)
    objs = None
    st = Before()
    st.case_name, st.case_stem, st.case_file = case_name, stem, case_file
    st.case_id = id(module)
    st.depth = max(int(depth), 1)
    st.counts = counts
    st.ids = ids
    st.uids = uids
    st.fds = fd_table()
    st.thread_ids = _thread_idents()
    st.nthreads = len(threading.enumerate())
    st.gc_enabled = gc_on
    st.native_sites = None  # nativesites.stop(), set by entry.run()
    st.py_blocks = None  # nativesites.py_report(), set by entry.run()
    st.frames_stop = None  # a suite test's file (entry.run(test=))
    st.started_tracing = False
    st.refs_snap = refgrowth.snapshot() if refs else None
    if not tracemalloc.is_tracing():
        try:
            tracemalloc.start(st.depth)
            st.started_tracing = True
        except Exception:
            pass
    st.snapshot = tracemalloc.take_snapshot() if tracemalloc.is_tracing() \
        else None
    st.begin_s = time.perf_counter() - t0
    return st


def own_before(st, own):
    """Register the state and every tracked container reachable from it
    (the snapshot included), so the census does not count explain's own
    objects. Untracked ones (a tuple or dict of atoms) are not walked:
    they hold no tracked object, and the census finds untracked objects
    through the tracked ones that are not explain's, never by own ids
    (walking the 4,880 tuples of a pytest process's native entry points
    while tracemalloc traces took 0.39 s of its pass)."""
    walk = (dict, list, tuple, Before, tracemalloc.Snapshot,
            getattr(tracemalloc, "_Traces", tracemalloc.Snapshot))
    ids = own.ids
    is_tracked = gc.is_tracked
    stack = [st]
    while stack:
        o = stack.pop()
        if id(o) in ids:
            continue
        ids.add(id(o))
        if type(o) is set or type(o) is frozenset:
            continue
        for r in gc.get_referents(o):
            if is_tracked(r) and (safe.is_one_of(type(r), walk) or
                                  type(r) is set):
                stack.append(r)


def _io_fileio():
    try:
        import _io
        return _io.FileIO
    except Exception:
        return None


def _socket_type():
    m = sys.modules.get("_socket")
    if m is None:
        return None
    t = safe.dget(safe.mdict(m), "socket")
    return t if issubclass(type(t), type) else None


class Census:
    """The two passes over gc.get_objects() of one finish()."""

    __slots__ = ("st", "own", "names", "pins")

    def __init__(self, st, own, names, pins):
        self.st = st
        self.own = own
        self.names = names
        self.pins = pins
        own.add(self)

    def _note_fd_owner(self, o, t, fd_owners):
        try:
            if issubclass(t, _io_fileio()):
                fd = _io_fileio().fileno(o)
            else:
                fd = _socket_type().fileno(o)
        except Exception:
            return
        if type(fd) is int and fd >= 0:
            fd_owners[fd] = (self.names.tkey(t), obj_frames(o))

    def new_objects(self, objs, fd_owners):
        """The first, lean pass, made while tracemalloc still traces: the new
        tracked objects and the new untracked objects they refer to, kept as
        samples per type (with their allocation frames pinned). Returns
        (new tracked per type, samples, untracked samples)."""
        st, own, tkey = self.st, self.own, self.names.tkey
        before = st.ids
        ubefore = st.uids
        own_ids = own.ids
        new = own.mine([])
        for o in objs:
            i = id(o)
            if i not in before and i not in own_ids:
                new.append(o)
        o = None
        exact = st.started_tracing and tracemalloc.is_tracing()
        get_tb = tracemalloc.get_object_traceback
        samples = own.mine({})
        usamples = own.mine({})
        new_tracked = own.mine({})
        fileio = _io_fileio()
        sock = _socket_type()
        is_tracked = gc.is_tracked
        seen = set()
        for o in new:
            t = type(o)
            key = tkey(t)
            new_tracked[key] = new_tracked.get(key, 0) + 1
            lst = samples.get(key)
            if lst is None:
                lst = samples[key] = own.mine([])
            lst.append(o)
            if len(lst) > SAMPLES_PER_TYPE:
                del lst[0]
            if (fileio is not None and t is fileio) or \
                    (sock is not None and issubclass(t, sock)):
                self._note_fd_owner(o, t, fd_owners)
            for r in gc.get_referents(o):
                ri = id(r)
                if is_tracked(r) or ri in seen:
                    continue
                seen.add(ri)
                if (get_tb(r) is None) if exact else \
                        (ri in ubefore or ri in before):
                    continue
                ku = tkey(type(r))
                lst = usamples.get(ku)
                if lst is None:
                    lst = usamples[ku] = own.mine([])
                if len(lst) < SAMPLES_PER_TYPE:
                    lst.append(r)
            r = None
        o = None
        new.clear()
        for pools in (samples, usamples):
            for lst in pools.values():
                for x in lst:
                    self.pins.pin(x)
        x = None
        return new_tracked, samples, usamples

    def full(self, objs, usamples, budget, notes):
        """The full pass: per-type counts of the tracked objects, and the new
        untracked objects (str, int, bytes, ...) found as referents of any of
        them, through untracked containers too (a dict or tuple holding only
        atoms). Those containers are returned as `ucont`: gc.get_referrers()
        cannot see them, the chain search scans them itself. The counts
        always complete; the referent scan gives way to the time budget.
        Returns (counts, new untracked per type, ucont)."""
        st, own, tkey, pins = self.st, self.own, self.names.tkey, self.pins
        before = st.ids
        ubefore = st.uids
        own_ids = own.ids
        counts = own.mine({})
        new_untracked = own.mine({})
        seen = own.mine(set())
        stack = own.mine([])
        ucont = own.mine([])
        # explain's own tracing has stopped (entry.finish): an address seen
        # at begin() means old (a freed object's address reused by a new
        # one hides the new one); a tracing the program started goes on
        tracing = tracemalloc.is_tracing()
        n = 0
        scan = True
        for o in objs:
            n += 1
            if scan and (n & 4095) == 0 and budget.late():
                notes.append("the scan for new untracked objects was cut "
                             "short by the time budget")
                scan = False
            if id(o) in own_ids:
                continue
            key = tkey(type(o))
            counts[key] = counts.get(key, 0) + 1
            if not scan:
                continue
            _push_untracked(gc.get_referents(o), seen, stack)
            while stack:
                u = stack.pop()
                ui = id(u)
                if ui not in ubefore and ui not in before:
                    ku = tkey(type(u))
                    new_untracked[ku] = new_untracked.get(ku, 0) + 1
                    lst = usamples.get(ku)
                    if lst is None:
                        lst = usamples[ku] = own.mine([])
                    if len(lst) < SAMPLES_PER_TYPE:
                        lst.append(u)
                        if tracing:
                            pins.pin(u)
                refs = gc.get_referents(u)
                if refs:
                    ucont.append(u)
                    _push_untracked(refs, seen, stack)
                u = refs = None
        o = None
        return counts, new_untracked, ucont

    def grown(self, counts, new_tracked, new_untracked, iterations):
        """Rows of "what grew", largest first."""
        before = self.st.counts
        rows = []
        keys = set(counts) | set(new_untracked) | set(before)
        for k in keys:
            d = counts.get(k, 0) - before.get(k, 0)
            u = new_untracked.get(k, 0)
            total = max(d, 0) + u
            if total <= 0:
                continue
            rows.append({"type": k, "per_iter": total / iterations,
                         "count_diff": d, "untracked_new": u,
                         "tracked_new": new_tracked.get(k, 0),
                         "how": "gc-tracked" if u == 0 else
                                ("untracked, found as referents" if d <= 0
                                 else "gc-tracked + untracked")})
        # ties: the program's own classes before builtins, tracked first
        rows.sort(key=lambda r: (-r["per_iter"],
                                 r["type"].startswith("builtins."),
                                 r["untracked_new"] > 0, r["type"]))
        return rows
