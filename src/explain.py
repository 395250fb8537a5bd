"""explain.py - why a case grows: what grew, where it was allocated, who holds it.

The analysis half of `leakcheck explain`. The C side embeds this file as a
string and executes it in the worker's interpreter, then calls two functions:

    state = begin(module, depth=10)     # after setup() and the warm-up
    ... the C side calls run() `iterations` more times ...
    json_text, text = finish(state, iterations, native_per_iter, growth, ...)

Standard library only. It never relies on its own __file__ or on being
importable by name: its own frames and allocations are recognised by the code
filename it was compiled under, whatever that is.

What it refuses to do, and why:
- It never runs the program's code. Objects are looked at through `type(x)`,
  `id(x)`, `is`, gc.get_referents/get_referrers and C-level descriptors read
  off the type (member descriptors, a short list of pure getsets), never
  through repr(), ==, hash(), getattr() or isinstance() (which may consult a
  hostile __class__). Dict keys are printed only when their exact type is
  str/int/float/bytes/bool/None, a class (by name) or a tuple of those;
  anything else shows as its type.
- Its searches are bounded: chain depth, frontier size and a wall-time budget.
- It keeps no reference to the program's objects once finish() returns (the
  state keeps ids, counts and a tracemalloc snapshot only). Two side effects
  remain: instance __dict__s it had to read are materialised (as reading
  obj.__dict__ would), and frames of other threads keep the f_locals dict it
  asked for until they next run or return.
"""

import ast
import collections
import gc
import json
import linecache
import os
import shutil
import subprocess
import sys
import threading
import time
import tracemalloc
import types

# The filename this code was compiled under; traces and frames carrying it are
# explain's own bookkeeping.
_THIS_FILE = sys._getframe(0).f_code.co_filename
_TRACEMALLOC_FILE = tracemalloc.__file__
_IMPORTLIB_FRAMES = ("<frozen importlib._bootstrap>",
                     "<frozen importlib._bootstrap_external>")
_CASE_MODULE_NAME = "__leakcheck_case__"

# Bounds. Reasons beside each.
_TOP_TYPES = 15          # rows of "what grew"; the tail is noise
_TOP_SITES = 10          # rows of "where"
_SAMPLES_PER_TYPE = 8    # newest objects kept per type as chain candidates
_FRONTIER_MAX = 300      # get_referrers(*frontier) is O(heap * frontier)
_CYCLE_NODES_MAX = 5000  # forward walk looking for a cycle back to a target
_REPR_MAX = 60           # a dict key is a label, not a dump
_TRACED_CENSUS_MAX = 150000  # objects; above, the full pass runs untraced
_FDS_SHOWN = 8
_THREADS_SHOWN = 8
_WIDTH = 100             # text report line length

_ModuleType = types.ModuleType
_FunctionType = types.FunctionType
_CellType = types.CellType
_FrameType = types.FrameType
_MethodType = types.MethodType
_CodeType = types.CodeType
_BuiltinType = types.BuiltinFunctionType
_MappingProxy = types.MappingProxyType
_GETSET = types.GetSetDescriptorType
_MEMBER = types.MemberDescriptorType
_deque = collections.deque

# C-level descriptors read directly, so no metaclass or __getattribute__ of
# the program is ever consulted.
_T_QUALNAME = type.__dict__["__qualname__"]
_T_MODULE = type.__dict__["__module__"]
_T_MRO = type.__dict__["__mro__"]
_T_DICT = type.__dict__["__dict__"]
_MOD_DICT = _ModuleType.__dict__["__dict__"]
_FN_QUALNAME = _FunctionType.__dict__["__qualname__"]
_FN_MODULE = _FunctionType.__dict__["__module__"]
_FN_CODE = _FunctionType.__dict__["__code__"]
_CO_FREEVARS = _CodeType.__dict__["co_freevars"]
_CO_FILENAME = _CodeType.__dict__["co_filename"]
_CO_QUALNAME = _CodeType.__dict__["co_qualname"]
_F_CODE = _FrameType.__dict__["f_code"]
_F_BACK = _FrameType.__dict__["f_back"]
_F_LOCALS = _FrameType.__dict__["f_locals"]
_F_GLOBALS = _FrameType.__dict__["f_globals"]
_F_LINENO = _FrameType.__dict__["f_lineno"]
_M_FUNC = _MethodType.__dict__["__func__"]
_B_QUALNAME = _BuiltinType.__dict__["__qualname__"]

# Getset descriptors that only read a field (most getsets of C types compute,
# and some call into Python, e.g. TextIOWrapper.name or .closed). Member
# descriptors are always plain field reads.
_PURE_GETSETS = frozenset((
    "__self__", "__func__", "cell_contents", "f_back", "f_globals",
    "f_builtins", "f_code", "f_trace", "__defaults__", "__kwdefaults__",
    "__code__", "__traceback__", "__context__", "__cause__", "args",
    "__mro__", "__bases__", "__base__", "gi_frame", "cr_frame", "ag_frame",
    "gi_code", "cr_code", "ag_code", "__class__", "__objclass__",
))

_SAFE_KEY_TYPES = (str, int, float, bytes, bool, type(None))
_GENERATOR_TYPES = (types.GeneratorType, types.CoroutineType,
                    types.AsyncGeneratorType)


def _is_one_of(t, types_):
    """t is one of types_, by identity: `t in (...)` would compare with ==,
    and a metaclass may define __eq__."""
    for x in types_:
        if t is x:
            return True
    return False


class _State:
    """What begin() hands to finish(): ids, counts, strings, a snapshot."""

    __slots__ = ("case_name", "case_stem", "case_file", "case_id", "depth",
                 "counts", "ids", "uids", "snapshot", "started_tracing", "fds",
                 "thread_ids", "nthreads", "gc_enabled", "begin_s")


class _Ctx:
    """Per-finish() bookkeeping. `own` holds the ids of every container
    explain created that may refer to the program's objects; the chain search
    never walks through them."""

    __slots__ = ("st", "own", "keep", "tkeys", "descs", "funcidx", "deadline",
                 "frame_roots", "modnames", "notes", "before_ids", "cwd",
                 "stdlib", "ucont", "frames", "fdicts")

    def __init__(self, st, deadline):
        self.st = st
        self.own = set()
        self.keep = []
        self.tkeys = {}
        self.descs = {}
        self.funcidx = {}
        self.deadline = deadline
        self.frame_roots = {}
        self.modnames = {}
        self.notes = []
        self.ucont = []
        self.frames = {}
        self.fdicts = []
        self.before_ids = st.ids
        try:
            self.cwd = os.getcwd()
        except OSError:
            self.cwd = ""
        self.stdlib = os.path.dirname(os.__file__)
        for x in (self, self.own, self.keep, self.tkeys, self.descs,
                  self.funcidx, self.frame_roots, self.modnames, self.notes,
                  self.ucont, self.frames, self.fdicts):
            self.own.add(id(x))

    def mine(self, x):
        """Register a container explain created (and keep it alive, so its id
        cannot be reused by a program object while registered)."""
        self.own.add(id(x))
        self.keep.append(x)
        return x

    def late(self):
        return time.perf_counter() > self.deadline

    def release(self):
        for x in self.keep:
            try:
                x.clear()
            except Exception:
                pass
        self.keep = []
        self.ucont = []
        self.frames = {}
        self.fdicts = []
        self.own = set()
        self.descs = {}
        self.tkeys = {}
        self.frame_roots = {}
        self.modnames = {}


# ---------------------------------------------------------------------------
# Safe reads


def _mdict(module):
    try:
        d = _MOD_DICT.__get__(module)
    except Exception:
        return None
    return d if type(d) is dict else None


def _dget(d, key):
    """d[key] for a str key, comparing keys by identity or exact-str equality
    only, so no program __eq__ runs."""
    if d is None:
        return None
    try:
        for k, v in dict.items(d):
            if k is key or (type(k) is str and k == key):
                return v
    except Exception:
        pass
    return None


def _case_names(module):
    md = _mdict(module)
    name = _dget(md, "__name__")
    name = name if type(name) is str else _CASE_MODULE_NAME
    fn = _dget(md, "__file__")
    fn = fn if type(fn) is str else None
    stem = name
    if fn:
        stem = os.path.basename(fn)
        if stem.endswith(".py"):
            stem = stem[:-3]
    return name, stem, fn


def _tkey_raw(t, case_name, stem):
    try:
        qn = _T_QUALNAME.__get__(t)
    except Exception:
        qn = None
    try:
        mod = _T_MODULE.__get__(t)
    except Exception:
        mod = None
    if type(qn) is not str:
        qn = "?"
    if type(mod) is not str:
        mod = "?"
    if mod == case_name:
        mod = stem
    return mod + "." + qn


def _tkey(t, ctx):
    """module.qualname of a type; the case module shows as its file's stem."""
    k = ctx.tkeys.get(id(t))
    if k is None:
        k = _tkey_raw(t, ctx.st.case_name, ctx.st.case_stem)
        ctx.tkeys[id(t)] = k
    return k


def _tshort(t, ctx):
    k = _tkey(t, ctx)
    return k[9:] if k.startswith("builtins.") else k


def _mro(t):
    try:
        m = _T_MRO.__get__(t)
    except Exception:
        return (t,)
    return m if type(m) is tuple else (t,)


def _class_dict(t):
    """The real dict behind t.__dict__ (the mappingproxy's only referent)."""
    try:
        mp = _T_DICT.__get__(t)
    except Exception:
        return None
    for r in gc.get_referents(mp):
        if type(r) is dict:
            return r
    return None


def _descs(t, ctx):
    """[names, descriptors, the __dict__ descriptor or None] of type t's pure
    descriptors, first definition along the MRO winning, as attribute lookup
    does. Lists explain owns: the descriptors refer to the program's types."""
    got = ctx.descs.get(id(t))
    if got is not None:
        return got
    seen = set()
    names = ctx.mine([])
    descrs = ctx.mine([])
    ddescr = None
    for c in _mro(t):
        cd = _class_dict(c)
        if cd is None:
            continue
        try:
            items = list(dict.items(cd))
        except Exception:
            continue
        for name, d in items:
            if type(name) is not str or name in seen:
                continue
            seen.add(name)
            td = type(d)
            if name == "__dict__":
                if td is _GETSET or td is _MEMBER:
                    ddescr = d
                continue
            if td is _MEMBER or (td is _GETSET and name in _PURE_GETSETS):
                names.append(name)
                descrs.append(d)
        items = d = None
    got = ctx.mine([names, descrs, ddescr])
    ctx.descs[id(t)] = got
    return got


def _instance_dict(o, ctx):
    t = type(o)
    if issubclass(t, type):
        return _class_dict(o)
    ddescr = _descs(t, ctx)[2]
    if ddescr is None:
        return None
    try:
        d = ddescr.__get__(o, t)
    except Exception:
        return None
    return d if issubclass(type(d), dict) else None


def _krepr(k, ctx, depth=0):
    tk = type(k)
    if _is_one_of(tk, _SAFE_KEY_TYPES):
        try:
            s = repr(k)
        except Exception:  # e.g. an int beyond the str-conversion limit
            s = "<%s>" % tk.__name__
    elif issubclass(tk, type):
        s = _tshort(k, ctx)   # a class, by name
    elif tk is tuple and depth < 3:
        parts = []
        for x in k:
            p = _krepr(x, ctx, depth + 1)
            parts.append(p if p is not None else "<%s>" % _tshort(type(x), ctx))
        s = "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"
    else:
        return None
    if len(s) > _REPR_MAX:
        s = s[:_REPR_MAX - 3] + "..."
    return s


def _key_label(k, ctx):
    s = _krepr(k, ctx)
    return s if s is not None else "<key of type %s>" % _tkey(type(k), ctx)


def _func_name(f, ctx):
    """module.qualname of a callable, read without calling it."""
    tf = type(f)
    try:
        if tf is _MethodType:
            return _func_name(_M_FUNC.__get__(f), ctx) + " (bound)"
        if tf is _FunctionType:
            mod = _FN_MODULE.__get__(f)
            qn = _FN_QUALNAME.__get__(f)
            if mod == ctx.st.case_name:
                mod = ctx.st.case_stem
            if type(mod) is str and type(qn) is str:
                return mod + "." + qn
            return "<function>"
        if tf is _BuiltinType:
            qn = _B_QUALNAME.__get__(f)
            return qn if type(qn) is str else "<builtin>"
    except Exception:
        return "<callable>"
    return "<%s instance>" % _tkey(tf, ctx)


# ---------------------------------------------------------------------------
# Source positions


def _short(fn, ctx):
    if fn.startswith("<"):
        return fn
    if ctx.cwd and fn.startswith(ctx.cwd + os.sep):
        return fn[len(ctx.cwd) + 1:]
    if fn.startswith(ctx.stdlib + os.sep):
        return fn[len(ctx.stdlib) + 1:]
    return fn


def _source_file(fn):
    """A readable path for a code filename; "<frozen os>" maps to os.__file__."""
    if fn.startswith("<frozen ") and fn.endswith(">"):
        m = sys.modules.get(fn[8:-1])
        if m is not None and issubclass(type(m), _ModuleType):
            f = _dget(_mdict(m), "__file__")
            if type(f) is str:
                return f
        return None
    if fn.startswith("<"):
        return None
    return fn


def _func_at(fn, lineno, ctx):
    """Qualified name of the innermost def/class enclosing fn:lineno, from the
    source (tracemalloc frames carry no function names)."""
    idx = ctx.funcidx.get(fn)
    if idx is None:
        idx = []
        src = _source_file(fn)
        lines = linecache.getlines(src) if src else []
        if lines:
            try:
                tree = ast.parse("".join(lines))
            except (SyntaxError, ValueError, MemoryError, RecursionError):
                tree = None
            if tree is not None:
                stack = [(tree, "")]
                while stack:
                    node, prefix = stack.pop()
                    for ch in ast.iter_child_nodes(node):
                        tc = type(ch)
                        if tc in (ast.FunctionDef, ast.AsyncFunctionDef,
                                  ast.ClassDef):
                            qn = prefix + ch.name
                            idx.append((ch.lineno, ch.end_lineno or ch.lineno,
                                        qn))
                            sep = "." if tc is ast.ClassDef else ".<locals>."
                            stack.append((ch, qn + sep))
                        else:
                            stack.append((ch, prefix))
            idx.append((0, 0, "<module>"))
        ctx.funcidx[fn] = idx
    best = None
    for start, end, qn in idx:
        if start <= lineno <= end and (best is None or start > best[0]):
            best = (start, qn)
    if best is not None:
        return best[1]
    return "<module>" if idx else "?"


def _site(fn, lineno, ctx):
    return "%s:%d in %s" % (_short(fn, ctx), lineno, _func_at(fn, lineno, ctx))


_T_FLAGS = type.__dict__["__flags__"]
_MANAGED_DICT = 1 << 4   # Py_TPFLAGS_MANAGED_DICT in 3.11
_HAVE_GC = 1 << 14       # Py_TPFLAGS_HAVE_GC



def _raw_traceback_fn():
    """3.11's get_object_traceback() misses objects with a pre-header (the
    instances of most classes: gh-101430, fixed in 3.12). The C function it
    should have called, looked up now: importing ctypes later, while tracing,
    would show up among the allocation sites."""
    if sys.version_info[:2] != (3, 11):
        return None, 0
    try:
        import ctypes
        fn = ctypes.pythonapi._PyTraceMalloc_GetTraceback
        fn.argtypes = (ctypes.c_uint, ctypes.c_size_t)
        fn.restype = ctypes.py_object
        return fn, ctypes.sizeof(ctypes.c_void_p)
    except Exception:
        return None, 0


_RAW_TRACEBACK, _WORD = _raw_traceback_fn()


def _managed_dict_traceback(obj):
    """The allocation traceback of an object with a pre-header: its block
    starts two words (the pre-header) before the GC header, which is two
    words before the object."""
    fn, word = _RAW_TRACEBACK, _WORD
    if fn is None:
        return None
    try:
        flags = _T_FLAGS.__get__(type(obj))
        if not (flags & _MANAGED_DICT and flags & _HAVE_GC):
            return None
        tb = fn(0, id(obj) - 4 * word)
    except Exception:
        return None
    return list(tb) if type(tb) is tuple else None


def _obj_frames(obj):
    """[(filename, lineno)], most recent first, of the allocation of obj's
    memory block; None when tracemalloc did not see it."""
    if not tracemalloc.is_tracing():
        return None
    try:
        tb = tracemalloc.get_object_traceback(obj)
    except Exception:
        tb = None
    if tb is None:
        return _managed_dict_traceback(obj)
    out = []
    for i in range(len(tb) - 1, -1, -1):
        out.append((tb[i].filename, tb[i].lineno))
    return out


def _pin_frames(obj, ctx):
    """Remember obj's allocation frames while tracemalloc still traces
    (finish() stops it before the costly part: every allocation explain
    itself makes would otherwise be traced, ids and ints included)."""
    if id(obj) not in ctx.frames:
        ctx.frames[id(obj)] = _obj_frames(obj)


def _format_site(frames, ctx):
    for fn, ln in frames or ():
        if fn != _THIS_FILE and fn not in _IMPORTLIB_FRAMES:
            return _site(fn, ln, ctx)
    return None


def _alloc_site(obj, ctx):
    """file:line in func where obj's memory block was allocated (most recent
    frame outside explain), or None when tracemalloc did not see it."""
    frames = ctx.frames.get(id(obj), 0)
    if frames == 0:
        frames = _obj_frames(obj)
    return _format_site(frames, ctx)


# ---------------------------------------------------------------------------
# begin()


def _type_census(objs, case_name, stem):
    counts = {}
    keys = {}
    for o in objs:
        t = type(o)
        k = keys.get(id(t))
        if k is None:
            k = keys[id(t)] = _tkey_raw(t, case_name, stem)
        counts[k] = counts.get(k, 0) + 1
    return counts


def _fd_table():
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
    is_tracked = gc.is_tracked
    stack = []
    for o in objs:
        for r in gc.get_referents(o):
            if is_tracked(r) or id(r) in uids:
                continue
            uids.add(id(r))
            stack.append(r)
        while stack:
            for r in gc.get_referents(stack.pop()):
                if not is_tracked(r) and id(r) not in uids:
                    uids.add(id(r))
                    stack.append(r)
    return ids, uids


def begin(module, depth=10):
    """Called once, after setup() and the warm-up, before N more run() calls.
    Returns an opaque state object for finish()."""
    t0 = time.perf_counter()
    gc_on = gc.isenabled()
    if gc_on:
        gc.collect()
    case_name, stem, case_file = _case_names(module)
    objs = gc.get_objects()
    counts = _type_census(objs, case_name, stem)
    ids, uids = _begin_ids(objs)
    objs = None
    st = _State()
    st.case_name, st.case_stem, st.case_file = case_name, stem, case_file
    st.case_id = id(module)
    st.depth = max(int(depth), 1)
    st.counts = counts
    st.ids = ids
    st.uids = uids
    st.fds = _fd_table()
    st.thread_ids = _thread_idents()
    st.nthreads = len(threading.enumerate())
    st.gc_enabled = gc_on
    # Tracing starts last, so explain's own bookkeeping above is untraced.
    st.started_tracing = False
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


# ---------------------------------------------------------------------------
# finish(): what grew


def _own_ids(st, ctx):
    """ids of the state and every container reachable from it (the snapshot
    included), so the census does not count explain's own objects."""
    walk = (dict, list, tuple, _State, tracemalloc.Snapshot,
            getattr(tracemalloc, "_Traces", tracemalloc.Snapshot))
    stack = [st]
    while stack:
        o = stack.pop()
        if id(o) in ctx.own:
            continue
        ctx.own.add(id(o))
        if type(o) is set or type(o) is frozenset:
            continue
        for r in gc.get_referents(o):
            if _is_one_of(type(r), walk) or type(r) is set:
                stack.append(r)


def _new_objects(ctx, objs, fd_owners):
    """The first, lean pass, made while tracemalloc still traces: the new
    tracked objects and the new untracked objects they refer to, kept as
    samples per type (with their allocation frames pinned)."""
    st = ctx.st
    before = st.ids
    ubefore = st.uids
    own = ctx.own
    new = ctx.mine([])
    for o in objs:
        i = id(o)
        if i not in before and i not in own:
            new.append(o)
    o = None
    exact = st.started_tracing and tracemalloc.is_tracing()
    get_tb = tracemalloc.get_object_traceback
    samples = ctx.mine({})
    usamples = ctx.mine({})
    new_tracked = ctx.mine({})
    fileio = _io_fileio()
    sock = _socket_type()
    is_tracked = gc.is_tracked
    seen = set()
    for o in new:
        t = type(o)
        key = _tkey(t, ctx)
        new_tracked[key] = new_tracked.get(key, 0) + 1
        lst = samples.get(key)
        if lst is None:
            lst = samples[key] = ctx.mine([])
        lst.append(o)
        if len(lst) > _SAMPLES_PER_TYPE:
            del lst[0]
        if (fileio is not None and t is fileio) or \
                (sock is not None and issubclass(t, sock)):
            _note_fd_owner(o, t, fd_owners, ctx)
        for r in gc.get_referents(o):
            ri = id(r)
            if is_tracked(r) or ri in seen:
                continue
            seen.add(ri)
            if (get_tb(r) is None) if exact else (ri in ubefore or ri in before):
                continue
            ku = _tkey(type(r), ctx)
            lst = usamples.get(ku)
            if lst is None:
                lst = usamples[ku] = ctx.mine([])
            if len(lst) < _SAMPLES_PER_TYPE:
                lst.append(r)
        r = None
    o = None
    new.clear()
    for pools in (samples, usamples):
        for lst in pools.values():
            for x in lst:
                _pin_frames(x, ctx)
    x = None
    return new_tracked, samples, usamples


def _census(ctx, objs, usamples):
    """The full pass: per-type counts of the tracked objects, and the new
    untracked objects (str, int, bytes, ...) found as referents of any of
    them, through untracked containers too (a dict or tuple holding only
    atoms). Those containers go to ctx.ucont: gc.get_referrers() cannot see
    them, the chain search scans them itself. The counts always complete; the
    referent scan gives way to the time budget."""
    st = ctx.st
    before = st.ids
    ubefore = st.uids
    own = ctx.own
    counts = ctx.mine({})
    new_untracked = ctx.mine({})
    seen = ctx.mine(set())
    stack = ctx.mine([])
    is_tracked = gc.is_tracked
    ucont = ctx.ucont
    tracing = tracemalloc.is_tracing()
    # while explain's own tracing runs, "allocated since begin()" is exact;
    # otherwise an address seen at begin() means old (a freed object's
    # address reused by a new one hides the new one)
    exact = st.started_tracing and tracing
    get_tb = tracemalloc.get_object_traceback
    n = 0
    scan = True
    for o in objs:
        n += 1
        if scan and (n & 4095) == 0 and ctx.late():
            ctx.notes.append("the scan for new untracked objects was cut short "
                             "by the time budget")
            scan = False
        if id(o) in own:
            continue
        key = _tkey(type(o), ctx)
        counts[key] = counts.get(key, 0) + 1
        if not scan:
            continue
        for r in gc.get_referents(o):
            if is_tracked(r) or id(r) in seen:
                continue
            seen.add(id(r))
            stack.append(r)
        while stack:
            u = stack.pop()
            ui = id(u)
            if (get_tb(u) is not None) if exact else \
                    (ui not in ubefore and ui not in before):
                ku = _tkey(type(u), ctx)
                new_untracked[ku] = new_untracked.get(ku, 0) + 1
                lst = usamples.get(ku)
                if lst is None:
                    lst = usamples[ku] = ctx.mine([])
                if len(lst) < _SAMPLES_PER_TYPE:
                    lst.append(u)
                    if tracing:
                        _pin_frames(u, ctx)
            refs = gc.get_referents(u)
            if refs:
                ucont.append(u)
                for r in refs:
                    if is_tracked(r) or id(r) in seen:
                        continue
                    seen.add(id(r))
                    stack.append(r)
            u = refs = None
        r = None
    o = None
    return counts, new_untracked


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
    t = _dget(_mdict(m), "socket")
    return t if issubclass(type(t), type) else None


def _note_fd_owner(o, t, fd_owners, ctx):
    try:
        if issubclass(t, _io_fileio()):
            fd = _io_fileio().fileno(o)
        else:
            fd = _socket_type().fileno(o)
    except Exception:
        return
    if type(fd) is int and fd >= 0:
        fd_owners[fd] = (_tkey(t, ctx), _obj_frames(o))


def _grown_types(ctx, counts, new_tracked, new_untracked, iterations):
    before = ctx.st.counts
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
    rows.sort(key=lambda r: (-r["per_iter"], r["type"].startswith("builtins."),
                             r["untracked_new"] > 0, r["type"]))
    return rows


# ---------------------------------------------------------------------------
# finish(): where


def _sites(ctx, after, iterations, depth):
    st = ctx.st
    if st.snapshot is None or after is None:
        return None
    diffs = after.compare_to(st.snapshot, "traceback")
    groups = {}
    for sd in diffs:
        if sd.size_diff == 0 and sd.count_diff == 0:
            continue
        frames = []
        mine = False
        for fr in sd.traceback:
            fn = fr.filename
            if fn == _THIS_FILE or fn == _TRACEMALLOC_FILE:
                mine = True
                break
            if fn in _IMPORTLIB_FRAMES:
                continue
            frames.append((fn, fr.lineno))
        if mine:
            continue
        frames.reverse()   # most recent first
        # a comprehension is a frame of its own at the same line: show once
        uniq = []
        for fr in frames:
            if not uniq or uniq[-1] != fr:
                uniq.append(fr)
        key = tuple(uniq[:depth]) or (("<import machinery>", 0),)
        g = groups.get(key)
        if g is None:
            g = groups[key] = [0, 0]
        g[0] += sd.size_diff
        g[1] += sd.count_diff
    del diffs
    out = []
    for key, (size, count) in groups.items():
        if size <= 0 and count <= 0:
            continue
        out.append({
            "size_diff": size, "count_diff": count,
            "bytes_per_iter": size / iterations,
            "blocks_per_iter": count / iterations,
            "frames": [{"filename": fn, "lineno": ln,
                        "function": _func_at(fn, ln, ctx) if ln else "",
                        "where": _site(fn, ln, ctx) if ln else
                        ("<no Python frame: allocated by C code>"
                         if fn == "<unknown>" else fn)}
                       for fn, ln in key],
        })
    out.sort(key=lambda s: (-s["size_diff"], -s["count_diff"]))
    return out[:_TOP_SITES]


# ---------------------------------------------------------------------------
# finish(): who holds it


def _build_roots(ctx):
    """Modules by sys.modules name; live frames of every thread (other than
    explain's own) by the f_locals dict they expose."""
    st = ctx.st
    try:
        items = list(dict.items(sys.modules))
    except Exception:
        items = []
    for name, m in items:
        if type(name) is str and issubclass(type(m), _ModuleType):
            if name == st.case_name:
                name = st.case_stem
            old = ctx.modnames.get(id(m))
            if old is None or len(name) < len(old):
                ctx.modnames[id(m)] = name
    del items
    names = {}
    active = getattr(threading, "_active", None)
    if type(active) is dict:
        try:
            for ident, th in dict.items(active):
                nm = _dget(_instance_dict(th, ctx), "_name")
                if type(nm) is str:
                    names[ident] = nm
        except Exception:
            pass
    frames = sys._current_frames()
    dicts = ctx.fdicts
    for ident, f in frames.items():
        tname = names.get(ident, "thread %d" % ident)
        while f is not None:
            try:
                code = _F_CODE.__get__(f)
                fn = _CO_FILENAME.__get__(code)
                if fn != _THIS_FILE:
                    loc = _F_LOCALS.__get__(f)
                    if type(loc) is dict and loc is not _F_GLOBALS.__get__(f):
                        dicts.append(loc)
                        ctx.frame_roots[id(loc)] = "[thread %r: %s() at %s:%s]" % (
                            tname, _CO_QUALNAME.__get__(code), _short(fn, ctx),
                            _F_LINENO.__get__(f))
                f = _F_BACK.__get__(f)
            except Exception:
                break
    f = frames = None


def _root_label(o, ctx):
    """How a root is named, or None when o is not a root."""
    i = id(o)
    lab = ctx.frame_roots.get(i)
    if lab is not None:
        return lab, "frame"
    t = type(o)
    if issubclass(t, _ModuleType):
        name = ctx.modnames.get(i)
        if name is None and i == ctx.st.case_id:
            name = ctx.st.case_stem
        if name is not None:
            return name, "module"
        return None
    if issubclass(t, type) and i in ctx.before_ids:
        # a class that existed at begin(); a class created since may itself
        # be the leak, so the search goes on past it
        k = _tkey(o, ctx)
        return (k[9:] if k.startswith("builtins.") else k), "class"
    return None


def _find_in_seq(a, b, getitem, length):
    try:
        n = length(a)
        for i in range(n - 1, -1, -1):
            if getitem(a, i) is b:
                return i
    except Exception:
        pass
    return None


def _edge(a, b, mode, fn, ctx):
    """Label for the reference a -> b. mode: "attr" when a is the __dict__ of
    the previous node, "closure" when a is fn.__closure__, "cell" when a is a
    closure cell, "frame" when a is a frame root's f_locals.
    Returns (label, next_mode, next_fn)."""
    ta = type(a)
    if mode == "closure" and ta is tuple:
        i = _find_in_seq(a, b, tuple.__getitem__, tuple.__len__)
        names = ()
        try:
            names = _CO_FREEVARS.__get__(_FN_CODE.__get__(fn))
        except Exception:
            pass
        if i is not None and i < len(names):
            return "<%s>" % names[i], "cell", None
        return "[%s]" % i, "cell", None
    if mode == "cell" and ta is _CellType:
        return "", None, None
    if issubclass(ta, type):
        if b is _class_dict(a):
            return "", "attr", None
    elif issubclass(ta, dict):
        try:
            for k, v in dict.items(a):
                if v is b:
                    if mode == "frame":
                        return (k if type(k) is str else _key_label(k, ctx)), \
                            None, None
                    if mode == "attr" and type(k) is str and k.isidentifier():
                        return "." + k, None, None
                    return "[%s]" % _key_label(k, ctx), None, None
            for k, v in dict.items(a):
                if k is b:
                    return "{key %s}" % _key_label(k, ctx), None, None
        except Exception:
            pass
    elif ta is _MappingProxy:
        return "", mode, fn
    elif issubclass(ta, list):
        i = _find_in_seq(a, b, list.__getitem__, list.__len__)
        if i is not None:
            return "[%d]" % i, None, None
    elif issubclass(ta, tuple):
        i = _find_in_seq(a, b, tuple.__getitem__, tuple.__len__)
        if i is not None:
            fields = _dget(_class_dict(ta), "_fields") if ta is not tuple \
                else None
            if type(fields) is tuple and i < len(fields) and \
                    type(fields[i]) is str:
                return "." + fields[i], None, None
            return "[%d]" % i, None, None
    elif issubclass(ta, _deque):
        try:
            i = 0
            for x in _deque.__iter__(a):
                if x is b:
                    return "[%d]" % i, None, None
                i += 1
        except Exception:
            pass
    elif issubclass(ta, (set, frozenset)):
        k = _krepr(b, ctx)
        return "{%s}" % (k if k is not None else "<%s>" % _tshort(type(b), ctx)), \
            None, None
    elif ta is _FrameType or _is_one_of(ta, _GENERATOR_TYPES):
        f, pre = a, ""
        if ta is not _FrameType:
            names, descrs, _ = _descs(ta, ctx)
            for i in range(len(names)):
                if names[i] in ("gi_frame", "cr_frame", "ag_frame"):
                    try:
                        f, pre = descrs[i].__get__(a, ta), "." + names[i]
                    except Exception:
                        f = None
        if type(f) is _FrameType:
            try:
                for k, v in dict.items(_F_LOCALS.__get__(f)):
                    if v is b:
                        return "%s.f_locals[%s]" % (pre, _key_label(k, ctx)), \
                            None, None
            except Exception:
                pass
    # functools' C lru_cache keeps its entries in a dict field of its own
    if _tkey(ta, ctx) == "functools._lru_cache_wrapper":
        d = _instance_dict(a, ctx)
        if type(b) is dict and b is not d:
            return ".cache", None, None
        if b is not d and b is not _dget(d, "__wrapped__") and \
                not issubclass(type(b), type):
            # a bounded cache's entries are C structs the wrapper traverses
            return ".cache<entry>", None, None
    d = _instance_dict(a, ctx)
    if d is not None and not issubclass(ta, type):
        if b is d:
            return "", "attr", None
        try:
            for k, v in dict.items(d):
                if v is b:
                    if type(k) is str and k.isidentifier():
                        return "." + k, None, None
                    return ".__dict__[%s]" % _key_label(k, ctx), None, None
        except Exception:
            pass
    names, descrs, _ = _descs(ta, ctx)
    for i in range(len(names)):
        name = names[i]
        try:
            v = descrs[i].__get__(a, ta)
        except Exception:
            continue
        if v is b:
            if name == "__closure__":
                return "", "closure", a
            if name == "cell_contents" and mode == "cell":
                return "", None, None
            return "." + name, None, None
    return "->(%s)" % _tshort(type(b), ctx), None, None


def _render(nodes, ctx, root=None):
    """nodes: [n0, ..., nk], each referring to the next. Returns the chain as
    text and its steps. root: the label of n0, or None to show its type."""
    mode = fn = None
    if root is None:
        text = "(%s)" % _tshort(type(nodes[0]), ctx)
    else:
        text = root[0]
        if root[1] == "frame":
            mode = "frame"
            text += " "
    steps = [{"type": _tkey(type(nodes[0]), ctx), "via": text}]
    for i in range(1, len(nodes)):
        lab, mode, fn = _edge(nodes[i - 1], nodes[i], mode, fn, ctx)
        if lab == "" and i == len(nodes) - 1:
            # the object is itself a __dict__ or a __closure__
            lab = {"attr": ".__dict__", "closure": ".__closure__"}.get(mode, "")
        text += lab
        steps.append({"type": _tkey(type(nodes[i]), ctx), "via": lab})
    return text, steps


def _path(start, parent, objs, ctx):
    out = ctx.mine([])
    i = start
    while i:
        out.append(objs[i])
        i = parent[i]
    return out


def _backward(target, ctx, max_depth):
    """objgraph.find_backref_chain, one get_referrers pass per level: BFS from
    target towards a root. Returns a dict: status ("found", "exhausted",
    "depth", "time"), path (root..target), cycle (nodes of a reference cycle
    met on the way, first node repeated at the end), dead_end (path from a
    node nobody visible refers to).
    max_depth counts labelled steps: an instance __dict__ between an object
    and its attribute is no step (it exists or not depending on whether
    someone read obj.__dict__, explain's own labelling included), so the
    search goes up to 2 * max_depth levels."""
    own = ctx.own
    parent = ctx.mine({id(target): 0})
    objs = ctx.mine({id(target): target})
    frontier = ctx.mine([target])
    res = ctx.mine({"status": "exhausted", "path": None, "cycle": None,
                    "cycle_tail": None, "dead_end": None, "capped": False})
    depth = 0
    while frontier:
        if depth >= 2 * max_depth:
            res["status"] = "depth"
            break
        if ctx.late():
            res["status"] = "time"
            break
        depth += 1
        fids = set()
        for x in frontier:
            fids.add(id(x))
        args = tuple(frontier)
        own.add(id(args))
        refs = gc.get_referrers(*args)
        own.add(id(refs))
        for u in ctx.ucont:
            for c in gc.get_referents(u):
                if id(c) in fids:
                    refs.append(u)
                    break
        u = c = None
        nxt = ctx.mine([])
        referred = set()
        found = None
        for r in refs:
            ri = id(r)
            if ri in own:
                continue
            if type(r) is _FrameType:
                try:
                    if _CO_FILENAME.__get__(_F_CODE.__get__(r)) == _THIS_FILE:
                        continue
                except Exception:
                    continue
            kids = []
            for c in gc.get_referents(r):
                if id(c) in fids:
                    kids.append(id(c))
            if not kids:
                continue
            referred.update(kids)
            if ri in parent:
                if res["cycle"] is None:
                    for k in kids:
                        x = k
                        while x and x != ri:
                            x = parent[x]
                        if x == ri:
                            # r -> k -> ... -> r, then r -> ... -> target
                            cut = ctx.mine([r])
                            cut.extend(_path(k, parent, objs, ctx))
                            for j in range(1, len(cut)):
                                if cut[j] is r:
                                    del cut[j + 1:]
                                    break
                            res["cycle"] = cut
                            res["cycle_tail"] = _path(ri, parent, objs, ctx)
                            break
                continue
            parent[ri] = kids[0]
            objs[ri] = r
            if found is None and _root_label(r, ctx) is not None:
                found = ri
            nxt.append(r)
        if res["dead_end"] is None:
            for x in frontier:
                if id(x) not in referred:
                    res["dead_end"] = _path(id(x), parent, objs, ctx)
                    break
        own.discard(id(args))
        own.discard(id(refs))
        del args, refs
        if found is not None:
            res["status"] = "found"
            res["path"] = _path(found, parent, objs, ctx)
            break
        if len(nxt) > _FRONTIER_MAX:
            del nxt[_FRONTIER_MAX:]
            res["capped"] = True
        frontier = nxt
    return res


def _forward_reach(ctx, want):
    """One walk of everything reachable from the roots (modules, frames).
    Returns {target id: path root..target} for the ids in `want` that were
    reached, and whether the walk completed."""
    parent = ctx.mine({})
    objs = ctx.mine({})
    queue = ctx.mine(_deque())
    found = ctx.mine({})
    starts = ctx.mine([])
    try:
        for name, m in list(dict.items(sys.modules)):
            if issubclass(type(m), _ModuleType):
                starts.append(m)
    except Exception:
        pass
    for x in ctx.fdicts:
        starts.append(x)
    for s in starts:
        if id(s) not in parent:
            parent[id(s)] = 0
            objs[id(s)] = s
            queue.append(s)
    own = ctx.own
    n = 0
    complete = True
    remaining = set(want)
    while queue and remaining:
        n += 1
        if (n & 1023) == 0 and ctx.late():
            complete = False
            break
        o = queue.popleft()
        oi = id(o)
        for r in gc.get_referents(o):
            ri = id(r)
            if ri in parent or ri in own:
                continue
            if type(r) is _FrameType:
                try:
                    if _CO_FILENAME.__get__(_F_CODE.__get__(r)) == _THIS_FILE:
                        continue
                except Exception:
                    continue
            parent[ri] = oi
            objs[ri] = r
            if ri in remaining:
                remaining.discard(ri)
                p = _path(ri, parent, objs, ctx)
                p.reverse()
                found[ri] = p
            queue.append(r)
    o = r = None
    if queue and remaining:
        complete = False
    queue.clear()
    return found, complete


def _forward_cycle(target, ctx):
    """Shortest cycle target -> ... -> target along referents, bounded."""
    tid = id(target)
    parent = ctx.mine({tid: 0})
    objs = ctx.mine({tid: target})
    queue = ctx.mine(_deque([target]))
    n = 0
    while queue and n < _CYCLE_NODES_MAX and not ctx.late():
        o = queue.popleft()
        n += 1
        for r in gc.get_referents(o):
            ri = id(r)
            if ri == tid:
                p = _path(id(o), parent, objs, ctx)
                p.reverse()
                p.append(target)
                queue.clear()
                return p
            if ri in parent or ri in ctx.own:
                continue
            parent[ri] = id(o)
            objs[ri] = r
            queue.append(r)
    queue.clear()
    return None


def _search(ctx, k, obj, chain_depth, pending):
    """One holder search; an entry of strings (and the object parked in
    `pending` when the backward search found no root)."""
    entry = {"type": k, "allocated_at": _alloc_site(obj, ctx), "status": None,
             "root_kind": None, "chain": None, "steps": [], "cycle": None,
             "note": None}
    if ctx.late():
        entry["status"] = "skipped"
        entry["chain"] = "not searched: the time budget was spent"
        return entry
    res = _backward(obj, ctx, chain_depth)
    if res["status"] == "found":
        path = res["path"]
        root = _root_label(path[0], ctx)
        entry["status"] = "found"
        entry["root_kind"] = root[1]
        entry["chain"], entry["steps"] = _render(path, ctx, root)
        entry["graph"] = _graph(path, entry["steps"], _root_node_label(root))
    else:
        pending.append(ctx.mine([entry, obj, res]))
    return entry


def _chain_rank(entry):
    """Found chains first, shortest first; a hop is a labelled step (a
    __dict__ in between, materialised or not, is no hop)."""
    hops = 0
    for st in entry["steps"]:
        if st["via"]:
            hops += 1
    return (entry["status"] != "found", hops)


def _chains(ctx, rows, samples, usamples, chain_samples, chain_depth):
    """Who holds the new objects. One sample (the newest) of each of the top
    2 x chain_samples growing types is searched; the chain_samples with the
    shortest chains are kept, since the object nearest its root is what the
    program keeps (the rest hang off it). When fewer types grew, more samples
    of the kept types fill up to chain_samples."""
    if chain_samples <= 0:
        return []
    # classes first (builtins such as list, cell, method usually hang off
    # one of them), then by growth
    cands = []
    for pos, r in enumerate(rows):
        if r["tracked_new"] + r["untracked_new"] >= 2 or r["per_iter"] >= 1.0:
            cands.append((r["type"].startswith("builtins."), pos, r["type"]))
    if not cands:
        # growth in size rather than number (one string replaced by a longer
        # one): follow whatever is new
        for pos, r in enumerate(rows):
            cands.append((r["type"].startswith("builtins."), pos, r["type"]))
    cands.sort()
    top = []
    for b, pos, k in cands[:2 * chain_samples]:
        top.append(k)
    pools = ctx.mine({})
    for k in top:
        pool = samples.get(k) or usamples.get(k)
        if pool:
            pools[k] = pool
    if not pools:
        return []
    _build_roots(ctx)
    pending = ctx.mine([])
    first = []
    for idx, k in enumerate(top):
        if k in pools:
            first.append((idx, k, _search(ctx, k, pools[k][-1], chain_depth,
                                          pending)))
    if pending:
        _resolve_pending(ctx, pending, chain_depth)
        del pending[:]
    first.sort(key=lambda t: (_chain_rank(t[2]), t[0]))
    kept = first[:chain_samples]
    out = []
    for idx, k, e in kept:
        out.append((idx, 0, e))
    rnd = 1
    while len(out) < chain_samples and rnd < _SAMPLES_PER_TYPE:
        added = False
        for idx, k, e in kept:
            pool = pools[k]
            if rnd < len(pool) and len(out) < chain_samples:
                out.append((idx, rnd, _search(ctx, k, pool[len(pool) - 1 - rnd],
                                              chain_depth, pending)))
                added = True
        if not added:
            break
        rnd += 1
    if pending:
        _resolve_pending(ctx, pending, chain_depth)
        del pending[:]
    # samples of one type next to each other, in the kept order
    order = {}
    for pos, (idx, k, e) in enumerate(kept):
        order[k] = pos
    out.sort(key=lambda t: (order[t[2]["type"]], t[1]))
    result = []
    for idx, rnd, e in out:
        result.append(e)
    return result


def _resolve_pending(ctx, pending, chain_depth):
    """Samples with no root within the backward bounds: one forward walk from
    the roots tells reachable (and gives the chain) from unreachable."""
    want = set()
    for item in pending:
        want.add(id(item[1]))
    reached, complete = ({}, False)
    if not ctx.late():
        reached, complete = _forward_reach(ctx, want)
    gc_on = gc.isenabled()
    for item in pending:
        entry, obj, res = item
        p = reached.get(id(obj))
        if p is not None:
            root = _root_label(p[0], ctx) or (_tshort(type(p[0]), ctx), "module")
            entry["status"] = "found"
            entry["root_kind"] = root[1]
            entry["chain"], entry["steps"] = _render(p, ctx, root)
            entry["graph"] = _graph(p, entry["steps"], _root_node_label(root))
            entry["note"] = "found by a forward walk from the roots (longer " \
                            "than chain_depth=%d or past the search bounds)" % chain_depth
            continue
        cyc = _forward_cycle(obj, ctx) if not ctx.late() else None
        tail = None
        if cyc is None and res["cycle"] is not None:
            cyc = res["cycle"]
            tail = res["cycle_tail"]
        if cyc is not None:
            ctext, csteps = _render(cyc, ctx)
            entry["cycle"] = ctext + "  (back to the same %s)" % \
                _tshort(type(cyc[0]), ctx)
            if tail is not None and len(tail) > 1:
                entry["cycle"] += "; it holds the object as " + \
                    _render(tail, ctx)[0]
            entry["graph"] = _graph(cyc, csteps,
                                    "(%s)" % _tshort(type(cyc[0]), ctx))
        if not complete:
            entry["status"] = "not_found"
            entry["root_kind"] = None
            entry["chain"] = "no root found within chain_depth=%d and the time " \
                             "budget" % chain_depth
            continue
        entry["status"] = "unreachable"
        if cyc is not None and not gc_on:
            entry["root_kind"] = "cycle"
            entry["chain"] = "unreachable: kept alive by a reference cycle " \
                             "(gc is disabled)"
        elif cyc is not None:
            entry["root_kind"] = "cycle"
            entry["chain"] = "unreachable from any root: a reference cycle kept " \
                             "alive by references the gc cannot see (C code)"
        elif not gc_on:
            entry["root_kind"] = "none"
            entry["chain"] = "unreachable from any root (gc is disabled: held " \
                             "by garbage the collector would free)"
        else:
            entry["root_kind"] = "none"
            entry["chain"] = "unreachable from any root: held by references " \
                             "the gc cannot see (C code or interpreter state)"
        de = res["dead_end"]
        if de and cyc is None and len(de) > 1:
            t, _ = _render(de, ctx)
            entry["note"] = "the references seen end at " + t
        elif de and cyc is None:
            entry["note"] = "nothing the gc can see refers to it: a reference " \
                            "kept by C code (a missing Py_DECREF, or interpreter " \
                            "state)"


def _root_node_label(root):
    if root[1] in ("module", "class"):
        return root[1] + " " + root[0]
    return root[0]


def _graph(nodes, steps, root_label):
    """Nodes and edges (strings only) for the DOT picture."""
    g_nodes = []
    g_edges = []
    for i, n in enumerate(nodes):
        nid = "n%x" % id(n)
        lab = root_label if i == 0 else steps[i]["type"]
        if i == len(nodes) - 1:
            lab = steps[i]["type"]
        g_nodes.append((nid, lab, i == 0))
        if i:
            g_edges.append(("n%x" % id(nodes[i - 1]), nid,
                            steps[i]["via"] or " "))
    return {"nodes": g_nodes, "edges": g_edges}


def _dot_quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _write_dot(path, holders, ctx):
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
        ctx.notes.append("could not write %s: %s" % (path, e.strerror))
        out["dot"] = None
        return out
    dot = shutil.which("dot")
    if dot:
        svg = os.path.splitext(path)[0] + ".svg"
        budget = max(ctx.deadline - time.perf_counter(), 2.0)
        try:
            subprocess.run([dot, "-Tsvg", path, "-o", svg], check=True,
                           timeout=budget, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            out["svg"] = svg
        except (OSError, subprocess.SubprocessError):
            ctx.notes.append("dot -Tsvg failed for " + path)
    return out


# ---------------------------------------------------------------------------
# finish(): other signals


def _fd_report(ctx, fd_owners, iterations):
    st = ctx.st
    now = _fd_table()
    if st.fds is None or now is None:
        return None
    new = []
    for fd in sorted(now):
        if fd not in st.fds or st.fds[fd] != now[fd]:
            owner = fd_owners.get(fd)
            new.append({"fd": fd, "target": now[fd],
                        "owner": owner[0] if owner else None,
                        "allocated_at": _format_site(owner[1], ctx)
                        if owner else None})
    return {"before": len(st.fds), "after": len(now),
            "per_iter": (len(now) - len(st.fds)) / iterations, "new": new}


def _new_threads(ctx):
    st = ctx.st
    active = getattr(threading, "_active", None)
    out = ctx.mine([])
    if type(active) is dict:
        try:
            for ident, th in dict.items(active):
                if ident not in st.thread_ids:
                    out.append(ctx.mine([ident, th]))
        except Exception:
            pass
    return out


def _thread_report(ctx, iterations):
    st = ctx.st
    frames = sys._current_frames()
    new = []
    items = _new_threads(ctx)
    for ident, th in items:
        d = _instance_dict(th, ctx)
        name = _dget(d, "_name")
        target = _dget(d, "_target")
        daemon = _dget(d, "_daemonic")
        info = {"ident": ident,
                "name": name if type(name) is str else None,
                "daemon": daemon if type(daemon) is bool else None,
                "target": _func_name(target, ctx) if target is not None else None,
                "type": _tkey(type(th), ctx),
                "started_at": _alloc_site(th, ctx),
                "now_in": None}
        f = frames.get(ident)
        if f is not None:
            try:
                code = _F_CODE.__get__(f)
                info["now_in"] = "%s() at %s:%s" % (
                    _CO_QUALNAME.__get__(code),
                    _short(_CO_FILENAME.__get__(code), ctx),
                    _F_LINENO.__get__(f))
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


def _native_report(ctx, native_per_iter, sites):
    """Native heap growth cannot be attributed; list what the case uses that
    reaches native code (ctypes libraries, C extension modules) and where."""
    st = ctx.st
    cand = []
    names = []
    case = sys.modules.get(st.case_name)
    md = _mdict(case) if case is not None and \
        issubclass(type(case), _ModuleType) else None
    if md is not None:
        try:
            items = list(dict.items(md))
        except Exception:
            items = []
        for name, v in items:
            if type(name) is not str:
                continue
            tv = type(v)
            if issubclass(tv, _ModuleType):
                f = _dget(_mdict(v), "__file__")
                mname = _dget(_mdict(v), "__name__")
                if (type(f) is str and f.endswith(".so")) or mname == "ctypes":
                    names.append((name, "module " + str(mname)))
            else:
                k = _tkey(tv, ctx)
                if k.startswith("ctypes.") or k.startswith("_ctypes."):
                    names.append((name, k))
        del items
    if names and st.case_file:
        # lines of the per-iteration code (not setup/teardown/module level)
        # that use one of those names
        lines = linecache.getlines(st.case_file)
        for ln, line in enumerate(lines, 1):
            s = line.strip()
            if not s or s.startswith("#"):
                continue
            func = _func_at(st.case_file, ln, ctx)
            if func in ("<module>", "?", "setup", "teardown"):
                continue
            for name, what in names:
                if _uses_name(s, name):
                    cand.append("%s: %s   [%s: %s]" % (
                        _site(st.case_file, ln, ctx), s[:60], name, what))
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
                    "see it, so no types or allocation sites can be attributed",
            "candidates": cand[:8]}


# ---------------------------------------------------------------------------
# The text report


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
    """Append prefix + s as lines of at most _WIDTH characters, breaking at a
    space when there is one in the second half of the line."""
    indent = indent if indent is not None else " " * len(prefix)
    lead = prefix
    while True:
        room = max(_WIDTH - len(lead), 20)
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


def _text(rep):
    out = []
    g = rep["growth"]
    _wrap("leakcheck explain: ", "%s: %d iterations, gc %s" % (
        rep["case_short"], rep["iterations"],
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
        for g in groups[:_FDS_SHOWN]:
            e = g[0]
            s = "%s -> %s" % (_fd_list(g), e["target"])
            _wrap("       ", s, out, "           ")
            if e["owner"]:
                _wrap("           held by a live ", e["owner"] + (
                    ", allocated at " + e["allocated_at"]
                    if e["allocated_at"] else ""), out, "             ")
        if len(groups) > _FDS_SHOWN:
            out.append("       ... and %d more" % (len(groups) - _FDS_SHOWN))
    th = rep["threads"]
    out.append("   threads: %s/it (%d -> %d, %d new)" % (
        _num(th["per_iter"]), th["before"], th["after"], len(th["new"])))
    groups = _group(th["new"], ("target", "daemon", "now_in", "started_at",
                                "type"))
    for g in groups[:_THREADS_SHOWN]:
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
    if len(groups) > _THREADS_SHOWN:
        out.append("       ... and %d more" % (len(groups) - _THREADS_SHOWN))
    nat = rep["native"]
    if nat:
        out.append("   native heap: %s/it %s" % (
            _bytes(nat["bytes_per_iter"]), "(measured by leakcheck)"))
        _wrap("       ", nat["note"], out)
        if nat["candidates"]:
            out.append("       code of the case that reaches native code:")
            for c in nat["candidates"]:
                _wrap("         ", c, out)
    if rep["notes"]:
        out.append("")
        for n in rep["notes"]:
            _wrap("note: ", n, out, "      ")
    if rep.get("dot"):
        out.append("graph: %s%s" % (rep["dot"]["dot"], (" and " + rep["dot"]["svg"])
                                    if rep["dot"]["svg"] else ""))
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------
# finish()


def finish(state, iterations, native_per_iter, growth, dot_path=None,
           chain_samples=3, chain_depth=12, time_budget=10.0):
    """Called after the C side ran `iterations` more run() calls. Returns
    (json_text, text)."""
    t0 = time.perf_counter()
    st = state
    iterations = max(int(iterations), 1)
    ctx = _Ctx(st, t0 + max(float(time_budget), 0.0))
    started = st.started_tracing
    try:
        gc_on = gc.isenabled()
        if gc_on:
            gc.collect()
        _own_ids(st, ctx)
        fd_owners = ctx.mine({})
        objs = ctx.mine(gc.get_objects())
        new_tracked, samples, usamples = _new_objects(ctx, objs, fd_owners)
        for item in _new_threads(ctx):
            _pin_frames(item[1], ctx)
        item = None
        after = None
        if st.snapshot is not None and tracemalloc.is_tracing():
            after = tracemalloc.take_snapshot()
        # Tracing would slow the full pass over a big heap tenfold; on a
        # small one it stays on, so the samples found there get their
        # allocation sites too.
        if started and len(objs) > _TRACED_CENSUS_MAX:
            tracemalloc.stop()
        counts, new_untracked = _census(ctx, objs, usamples)
        objs.clear()
        if started and tracemalloc.is_tracing():
            tracemalloc.stop()
        if not started and tracemalloc.is_tracing():
            ctx.notes.append("tracemalloc was already tracing at begin(): "
                             "left as found (and explain ran slower under it)")
        rows = _grown_types(ctx, counts, new_tracked, new_untracked, iterations)
        sites = _sites(ctx, after, iterations, st.depth)
        after = None
        holders = _chains(ctx, rows, samples, usamples, max(int(chain_samples), 0),
                          max(int(chain_depth), 1))
        fds = _fd_report(ctx, fd_owners, iterations)
        threads = _thread_report(ctx, iterations)
        growth = dict(growth or {})
        native = None
        if native_per_iter or growth.get("native_bytes"):
            native = _native_report(ctx, float(native_per_iter or
                                               growth.get("native_bytes", 0)),
                                    sites)
        dot = None
        if dot_path:
            dot = _write_dot(str(dot_path), holders, ctx)
        for h in holders:
            h.pop("graph", None)
        rep = {
            "case": st.case_file or st.case_stem,
            "case_short": _short(st.case_file, ctx) if st.case_file
            else st.case_stem,
            "iterations": iterations,
            "growth": growth,
            "gc_enabled": gc_on,
            "tracemalloc": {"started_by_explain": started,
                            "frames": st.depth if started
                            else tracemalloc.get_traceback_limit()},
            "types": rows[:_TOP_TYPES],
            "sites": sites,
            "holders": holders,
            "fds": fds,
            "threads": threads,
            "native": native,
            "dot": dot,
            "notes": ctx.notes[:],
            "elapsed_s": round(time.perf_counter() - t0 + st.begin_s, 3),
        }
        json_text = json.dumps(rep, sort_keys=False)
        text = _text(rep)
        return json_text, text
    finally:
        ctx.release()
        st.snapshot = None
        if started and tracemalloc.is_tracing():
            tracemalloc.stop()
        st.started_tracing = False
