"""names.py - how explain names what it shows: types, dict keys, callables,
source positions.

One Names per finish(), holding the case's names and the caches (type keys,
pure descriptors per type, function index per source file). Every read goes
through safe.py: naming an object never runs its code.
"""

import ast
import linecache
import os
import sys

from . import safe

REPR_MAX = 60  # a dict key is a label, not a dump


class Names:
    """Labels for one finish(). `own` registers the descriptor lists it
    caches (they refer to the program's types)."""

    __slots__ = ("own", "case_name", "case_stem", "tkeys", "descs",
                 "funcidx", "cwd", "stdlib")

    def __init__(self, own, case_name, case_stem):
        self.own = own
        self.case_name = case_name
        self.case_stem = case_stem
        self.tkeys = {}
        self.descs = own.mine({})
        self.funcidx = {}
        try:
            self.cwd = os.getcwd()
        except OSError:
            self.cwd = ""
        self.stdlib = os.path.dirname(os.__file__)
        for x in (self, self.tkeys, self.funcidx):
            own.add(x)

    # -- types and objects -------------------------------------------------

    def tkey(self, t):
        """module.qualname of a type; the case module shows as its stem."""
        k = self.tkeys.get(id(t))
        if k is None:
            k = safe.tkey_raw(t, self.case_name, self.case_stem)
            self.tkeys[id(t)] = k
        return k

    def tshort(self, t):
        k = self.tkey(t)
        return k[9:] if k.startswith("builtins.") else k

    def pure_descs(self, t):
        """[names, descriptors, the __dict__ descriptor or None] of type t's
        pure descriptors, first definition along the MRO winning, as
        attribute lookup does. Lists explain owns: the descriptors refer to
        the program's types."""
        got = self.descs.get(id(t))
        if got is not None:
            return got
        own = self.own
        seen = set()
        names = own.mine([])
        descrs = own.mine([])
        ddescr = None
        for c in safe.mro(t):
            cd = safe.class_dict(c)
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
                    if td is safe.GETSET or td is safe.MEMBER:
                        ddescr = d
                    continue
                if td is safe.MEMBER or (td is safe.GETSET and
                                         name in safe.PURE_GETSETS):
                    names.append(name)
                    descrs.append(d)
            items = d = None
        got = own.mine([names, descrs, ddescr])
        self.descs[id(t)] = got
        return got

    def instance_dict(self, o):
        t = type(o)
        if issubclass(t, type):
            return safe.class_dict(o)
        ddescr = self.pure_descs(t)[2]
        if ddescr is None:
            return None
        try:
            d = ddescr.__get__(o, t)
        except Exception:
            return None
        return d if issubclass(type(d), dict) else None

    def krepr(self, k, depth=0):
        """A dict key as text when it is safe to print, else None."""
        tk = type(k)
        if safe.is_one_of(tk, safe.SAFE_KEY_TYPES):
            try:
                s = repr(k)
            except Exception:  # e.g. an int beyond the str-conversion limit
                s = "<%s>" % tk.__name__
        elif issubclass(tk, type):
            s = self.tshort(k)   # a class, by name
        elif tk is tuple and depth < 3:
            parts = []
            for x in k:
                p = self.krepr(x, depth + 1)
                parts.append(p if p is not None
                             else "<%s>" % self.tshort(type(x)))
            s = "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"
        else:
            return None
        if len(s) > REPR_MAX:
            s = s[:REPR_MAX - 3] + "..."
        return s

    def key_label(self, k):
        s = self.krepr(k)
        return s if s is not None else "<key of type %s>" % self.tkey(type(k))

    def func_name(self, f):
        """module.qualname of a callable, read without calling it."""
        tf = type(f)
        try:
            if tf is safe.MethodType:
                return self.func_name(safe.M_FUNC.__get__(f)) + " (bound)"
            if tf is safe.FunctionType:
                mod = safe.FN_MODULE.__get__(f)
                qn = safe.FN_QUALNAME.__get__(f)
                if mod == self.case_name:
                    mod = self.case_stem
                if type(mod) is str and type(qn) is str:
                    return mod + "." + qn
                return "<function>"
            if tf is safe.BuiltinType:
                qn = safe.B_QUALNAME.__get__(f)
                return qn if type(qn) is str else "<builtin>"
        except Exception:
            return "<callable>"
        return "<%s instance>" % self.tkey(tf)

    # -- source positions --------------------------------------------------

    def short(self, fn):
        """A filename relative to the current folder or the stdlib."""
        if fn.startswith("<"):
            return fn
        if self.cwd and fn.startswith(self.cwd + os.sep):
            return fn[len(self.cwd) + 1:]
        if fn.startswith(self.stdlib + os.sep):
            return fn[len(self.stdlib) + 1:]
        return fn

    def func_at(self, fn, lineno):
        """Qualified name of the innermost def/class enclosing fn:lineno, from
        the source (tracemalloc frames carry no function names)."""
        idx = self.funcidx.get(fn)
        if idx is None:
            idx = self.funcidx[fn] = _function_index(fn)
        best = None
        for start, end, qn in idx:
            if start <= lineno <= end and (best is None or start > best[0]):
                best = (start, qn)
        if best is not None:
            return best[1]
        return "<module>" if idx else "?"

    def site(self, fn, lineno):
        return "%s:%d in %s" % (self.short(fn), lineno,
                                self.func_at(fn, lineno))


def source_file(fn):
    """A readable path for a code filename; "<frozen os>" maps to
    os.__file__."""
    if fn.startswith("<frozen ") and fn.endswith(">"):
        m = sys.modules.get(fn[8:-1])
        if m is not None and issubclass(type(m), safe.ModuleType):
            f = safe.dget(safe.mdict(m), "__file__")
            if type(f) is str:
                return f
        return None
    if fn.startswith("<"):
        return None
    return fn


def _function_index(fn):
    """[(first line, last line, qualname)] of every def and class in fn."""
    idx = []
    src = source_file(fn)
    lines = linecache.getlines(src) if src else []
    if not lines:
        return idx
    try:
        tree = ast.parse("".join(lines))
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        tree = None
    if tree is not None:
        stack = [(tree, "")]
        while stack:
            node, prefix = stack.pop()
            for ch in _statements(node):
                tc = type(ch)
                if tc in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
                    qn = prefix + ch.name
                    idx.append((ch.lineno, ch.end_lineno or ch.lineno, qn))
                    sep = "." if tc is ast.ClassDef else ".<locals>."
                    stack.append((ch, qn + sep))
                else:
                    stack.append((ch, prefix))
    idx.append((0, 0, "<module>"))
    return idx


# The fields that hold statements (a def or class is one; an expression
# holds none): walking these alone, not every node, gives the same index
# (the 1,727 files of the stdlib and _pytest, compared) in about two
# thirds of the time, parsing included.
_STATEMENT_FIELDS = ("body", "orelse", "finalbody", "handlers", "cases")


def _statements(node):
    """The statements (and except handlers, match cases) directly in
    node."""
    for f in _STATEMENT_FIELDS:
        got = getattr(node, f, None)
        if type(got) is list:
            yield from got
