"""refgrowth.py - reference leaks named: the objects whose reference count
grows, and the calls that take the references.

A missing Py_DECREF allocates nothing: no block count, type census or
allocation trace sees it, only the verdict's refs signal (src/probe/refs.h,
a sum of reference counts). Two steps name it:

1. Which objects. snapshot() at begin() reads the reference count of every
   object the refs signal counts (gc-tracked ones, and the untracked ones
   reached from them: None, small ints, strings, code constants), by id and
   type; grown() after the measured calls reads them again. An object seen
   both times (same id, same type) whose count rose by at least half a
   reference per iteration is a candidate.

2. Which call. attribute() calls run() a few more times under a C profile
   function (c_call, c_return of builtin functions and methods, the C
   functions a leak hides in) and a C trace function with opcode events
   (every instruction of the program's Python code), both the program's
   (refgrowth.h). At every event the candidates' counts are read again and
   the change since the previous event is charged to what ran in between:
   the C function from its c_call to its c_return (with the Python line
   that called it), or else the instruction the trace last announced (a
   call of something that is no builtin, such as a ctypes function, or a
   slot: `d[k] = v`, a `with` block's exit). Charges are summed per Python
   line (takers()): a statement's net per iteration is the figure
   reported, named by the C function or call made on that line.

Both steps run only when the verdict saw the refs signal grow: the walks
cost about what a census does (in C in the program, in Python when the
package runs in a plain python3.11 for the tests, which then names the
objects but not the calls), the traced calls a few times a plain call.
Explain's own frames are never traced.
"""

import array
import gc
import linecache
import sys
import time

from . import safe

MIN_PER_ITER = 0.5      # references per iteration for an object to count
OBJECTS_SHOWN = 6       # candidates followed and reported, largest first
TAKERS_SHOWN = 3        # calls reported per object
ATTRIBUTE_ITERATIONS = 20
ATTRIBUTE_BUDGET_S = 5.0
_SINGLETONS = ((None, "None"), (True, "True"), (False, "False"),
               (Ellipsis, "Ellipsis"), (NotImplemented, "NotImplemented"))
_ATOMS = (int, float, str, bytes, complex)
_REPR_MAX = 48


def _reached():
    """Every gc-tracked object and the untracked objects reached from them
    (through untracked containers and code objects' constants and names),
    as a list; the refs signal's set of objects, as near as Python sees."""
    objs = gc.get_objects()
    seen = set()
    for o in objs:
        seen.add(id(o))
    is_tracked = gc.is_tracked
    code_t = safe.CodeType
    i = 0
    while i < len(objs):
        o = objs[i]
        i += 1
        if type(o) is code_t:
            refs = o.co_consts + o.co_names
        else:
            refs = gc.get_referents(o)
        for r in refs:
            if not is_tracked(r) and id(r) not in seen:
                seen.add(id(r))
                objs.append(r)
    o = r = refs = None
    return objs


def _c_module():
    """The program's builtin _leakcheck_refs (refgrowth.h), or None (the
    package loaded into a plain python3.11 by the tests)."""
    return sys.modules.get("_leakcheck_refs")


class Snapshot:
    """Reference counts by object id, with each object's type id; no
    reference to any object (the counts live in arrays, not in ints that
    could be the objects measured)."""

    __slots__ = ("index", "counts", "types")


def snapshot():
    """The counts now: in the program's C table when it has one (no object
    made, none walked from Python), else in a Snapshot."""
    c = _c_module()
    if c is not None:
        c.snapshot()
        return c
    objs = _reached()
    getrc = sys.getrefcount
    counts = array.array("q")
    types_ = array.array("q")
    for o in objs:
        counts.append(getrc(o))
    for o in objs:
        types_.append(id(type(o)))
    index = {}
    for j in range(len(objs)):
        index[id(objs[j])] = j
    o = None
    objs.clear()
    s = Snapshot()
    s.index, s.counts, s.types = index, counts, types_
    return s


def grown(snap, iterations):
    """[[obj, references gained]] of the objects whose count rose by at
    least MIN_PER_ITER per iteration since snap, largest first."""
    if snap is None:
        return []
    floor = max(MIN_PER_ITER * max(int(iterations), 1), 2)
    if snap is _c_module():
        return [list(e) for e in snap.grown(int(floor), OBJECTS_SHOWN)]
    objs = _reached()
    getrc = sys.getrefcount
    index, counts, types_ = snap.index, snap.counts, snap.types
    gains = array.array("q")
    for o in objs:
        j = index.get(id(o))
        gains.append(getrc(o) - counts[j]
                     if j is not None and types_[j] == id(type(o)) else 0)
    out = []
    for j in range(len(objs)):
        if gains[j] >= floor:
            out.append([objs[j], gains[j]])
    o = None
    objs.clear()
    out.sort(key=lambda e: -e[1])
    return out[:OBJECTS_SHOWN]


# -- naming ------------------------------------------------------------------

def is_atom(o):
    """o is an exact str, bytes, int, float or complex, or a short tuple
    of them: its repr is the builtin one."""
    t = type(o)
    if safe.is_one_of(t, _ATOMS):
        return True
    return t is tuple and len(o) <= 4 and \
        all(safe.is_one_of(type(x), _ATOMS) for x in o)


def atom_repr(o):
    return _atom_repr(o)


def _atom_repr(o):
    s = repr(o)  # exact builtin atoms only: no program code runs
    if len(s) > _REPR_MAX:
        s = s[:_REPR_MAX - 3] + "..."
    return s


def object_name(o, names):
    """What a person calls the object, without running its code, or None
    when only its holder chain can say (then the caller searches one)."""
    for v, label in _SINGLETONS:
        if o is v:
            return label
    t = type(o)
    if safe.is_one_of(t, _ATOMS):
        return "%s %s" % (t.__name__, _atom_repr(o))
    if t is tuple and len(o) <= 4 and \
            all(safe.is_one_of(type(x), _ATOMS) for x in o):
        return "tuple %s" % _atom_repr(o)
    if issubclass(t, type):
        return "class " + names.tkey(o)
    if issubclass(t, safe.ModuleType):
        n = safe.dget(safe.mdict(o), "__name__")
        return "module %s" % (n if type(n) is str else "?")
    if t is safe.FunctionType or t is safe.BuiltinType:
        return "function " + names.func_name(o)
    return None


# -- attribution -------------------------------------------------------------

def _c_name(f):
    """module.qualname of a builtin function or method (c_call's argument),
    read through the type's own descriptors."""
    try:
        qn = safe.B_QUALNAME.__get__(f)
        if type(qn) is not str:
            return "<builtin>"
        if "." in qn:
            return qn
        mod = _B_MODULE.__get__(f)
        if type(mod) is str and mod != "builtins":
            return mod + "." + qn
        return qn
    except Exception:
        return "<builtin>"


_B_MODULE = safe.BuiltinType.__dict__["__module__"]


def attribute(step, objs, n=ATTRIBUTE_ITERATIONS,
              budget_s=ATTRIBUTE_BUDGET_S):
    """Call step() up to n times under the program's C profile and opcode
    tracer (refgrowth.h); returns (calls made, {context: [net references
    per object]}), (0, {}) outside the leakcheck program. A context is
    ("c", name, code, line), ("op", code, offset) or ("ret", code, line);
    None is explain's own code. Python-level hooks would not do: the
    interpreter materialises each traced frame's locals dict for them, and
    their own frames and arguments hold references too."""
    c = _c_module()
    if c is None:
        return 0, {}
    return _attribute_c(c, step, objs, n, budget_s)


def _attribute_c(c, step, objs, n, budget_s):
    """attribute() with the program's C tracer (refgrowth.h): no Python
    callback, so no frame of its own and no locals dict of the traced
    frames (which the Python hooks make, and whose references would be
    charged too)."""
    t_end = time.perf_counter() + budget_s
    done = 0
    old_trace, old_prof = sys.gettrace(), sys.getprofile()
    objs = list(objs)
    # a collection freeing old garbage mid-call would charge its
    # releases to whatever ran then: none while tracing
    gc_was = gc.isenabled()
    if gc_was:
        gc.collect()
        gc.disable()
    c.attribute_start(objs)
    try:
        while done < n:
            step()
            done += 1
            if time.perf_counter() > t_end:
                break
    finally:
        rows = c.attribute_stop()
        if gc_was:
            gc.enable()
        sys.setprofile(old_prof)
        sys.settrace(old_trace)
    acc = {}
    for kind, name, code, where, sums in rows or ():
        if kind == "own":
            key = None
        elif kind == "c":
            key = ("c", name or "<builtin>", code, where)
        else:
            key = (kind, code, where)
        acc[key] = sums
    return done, acc


def _position(code, offset):
    """(lineno, source text of the instruction's span or None, opname)."""
    import dis  # here: its objects would slow every census otherwise
    try:
        pos = list(code.co_positions())[offset // 2]
        op = dis.opname[code.co_code[offset]]
    except Exception:
        return None, None, "?"
    line, end_line, col, end_col = pos
    text = None
    if line and end_line == line and col is not None and end_col is not None:
        src = linecache.getline(safe.CO_FILENAME.__get__(code), line)
        b = src.encode("utf-8", "replace")[col:end_col]
        text = b.decode("utf-8", "replace").strip() or None
    return line, text, op


def describe(c, names):
    """A context as {"call", "kind", "at"}."""
    if c is None:
        return {"call": "(explain's own loop)", "kind": "explain", "at": None}
    code = c[1] if c[0] != "c" else c[2]
    fn = safe.CO_FILENAME.__get__(code)
    fq = safe.CO_QUALNAME.__get__(code)
    if c[0] == "c":
        return {"call": c[1], "kind": "C function",
                "at": names.site(fn, c[3])}
    if c[0] == "ret":
        return {"call": "return from %s()" % fq, "kind": "frame exit",
                "at": names.site(fn, c[2] or 0)}
    line, text, op = _position(code, c[2])
    at = names.site(fn, line or 0)
    if op in ("CALL", "CALL_FUNCTION_EX", "PRECALL") and text:
        callee = text.split("(", 1)[0].strip() or text
        return {"call": callee, "kind": "call (no builtin: ctypes, a slot "
                "or a type)", "at": at, "source": text[:80]}
    return {"call": "%s %s" % (op, text[:60] if text else ""),
            "kind": "instruction", "at": at}


def _line_of(c):
    """(code, line) a context ran on: the Python line whose statement it is
    part of (a C function: the line that called it)."""
    if c[0] == "c":
        return c[2], c[3]
    if c[0] == "ret":
        return c[1], c[2]
    return c[1], _position(c[1], c[2])[0]


def _call_rank(c):
    """Which context of a line names the call: a C function first, then a
    call instruction, then any other instruction."""
    if c[0] == "c":
        return 0
    if c[0] == "op" and _position(c[1], c[2])[2] in _CALL_OPS:
        return 1
    return 2


_CALL_OPS = ("CALL", "CALL_FUNCTION_EX", "PRECALL")


def _call_on_line(code, line):
    """Byte offset of the outermost call instruction of code on line (the
    widest source span), or None."""
    import dis  # here: its objects would slow every census otherwise
    best = None
    try:
        for ins in dis.get_instructions(code):
            p = ins.positions
            if ins.opname in ("CALL", "CALL_FUNCTION_EX") and p and \
                    p.lineno == line and p.end_lineno == line:
                width = (p.end_col_offset or 0) - (p.col_offset or 0)
                if best is None or width > best[0]:
                    best = (width, ins.offset)
    except Exception:
        return None
    return best[1] if best else None


def takers(acc, i, done, names):
    """([the calls that took object i's references, net per iteration,
    largest first], the references per iteration all lines took). Charges are summed per Python line (a C function's
    return value is charged to it and released by the next instruction:
    only the whole statement's net is the leak), and each line is named by
    the call on it that took the most (a C function before a call
    instruction before any other instruction)."""
    lines = {}
    for c, row in acc.items():
        if c is None or not row[i]:
            continue
        key = _line_of(c)
        e = lines.get(key)
        if e is None:
            e = lines[key] = [0, None, 0]
        e[0] += row[i]
        # a call consumes the references pushed for its arguments: one
        # that keeps an argument nets 0 itself, so calls are named
        # whatever their own sign, other instructions only when they took
        rank = (_call_rank(c), -row[i])
        if (rank[0] < 2 or row[i] > 0) and (e[1] is None or rank < e[2]):
            e[1], e[2] = c, rank
    rows = sorted(((e[0], e[1], e[2], k) for k, e in lines.items()
                   if e[0] > 0 and e[1]), key=lambda e: -e[0])
    taken = sum(r[0] for r in rows) / max(done, 1)
    out = []
    for net, c, rank, key in rows[:TAKERS_SHOWN]:
        if rank[0] == 2:
            # no C function and no call charged on the line: a call
            # that kept an argument it was handed nets 0 itself (the
            # argument's push is what shows); name the line's call
            off = _call_on_line(*key)
            if off is not None:
                c = ("op", key[0], off)
        d = describe(c, names)
        d["refs_per_iter"] = net / max(done, 1)
        out.append(d)
    return out, taken
