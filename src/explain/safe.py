"""safe.py - read objects without running any of the program's code.

Type, module, function, code and frame fields are read through the C-level
descriptors of the builtin types, looked up once here, so no metaclass,
__getattribute__ or __class__ of the program is ever consulted. Dicts are
searched by identity (or exact-str equality), never with the program's
__eq__ or __hash__.

Also here: Own, the registry of explain's own containers (the census and the
chain search never count or walk through them), and Budget, the CPU-time
bound of the searches.
"""

import collections
import gc
import sys
import time
import tracemalloc
import types

# Every module of the package is compiled under one folder-like prefix
# ("<leakcheck>/explain/"): traces and frames whose filename starts with it
# are explain's own bookkeeping.
OWN_PREFIX = sys._getframe(0).f_code.co_filename.rpartition("/")[0] + "/"
# The program's other built-in packages share the prefix's parent
# ("<leakcheck>/"): the suite adapter's frames repeat a suite's test, as
# drive.py repeats a case's run().
HARNESS_PREFIX = OWN_PREFIX[:-1].rpartition("/")[0] + "/"
TRACEMALLOC_FILE = tracemalloc.__file__
IMPORTLIB_FRAMES = ("<frozen importlib._bootstrap>",
                    "<frozen importlib._bootstrap_external>")
CASE_MODULE_NAME = "__leakcheck_case__"
PACKAGE = __name__.rpartition(".")[0] or __name__

ModuleType = types.ModuleType
FunctionType = types.FunctionType
CellType = types.CellType
FrameType = types.FrameType
MethodType = types.MethodType
CodeType = types.CodeType
BuiltinType = types.BuiltinFunctionType
MappingProxy = types.MappingProxyType
GETSET = types.GetSetDescriptorType
MEMBER = types.MemberDescriptorType
deque = collections.deque

T_QUALNAME = type.__dict__["__qualname__"]
T_MODULE = type.__dict__["__module__"]
T_MRO = type.__dict__["__mro__"]
T_DICT = type.__dict__["__dict__"]
T_FLAGS = type.__dict__["__flags__"]
MOD_DICT = ModuleType.__dict__["__dict__"]
FN_QUALNAME = FunctionType.__dict__["__qualname__"]
FN_MODULE = FunctionType.__dict__["__module__"]
FN_CODE = FunctionType.__dict__["__code__"]
CO_FREEVARS = CodeType.__dict__["co_freevars"]
CO_FILENAME = CodeType.__dict__["co_filename"]
CO_QUALNAME = CodeType.__dict__["co_qualname"]
F_CODE = FrameType.__dict__["f_code"]
F_BACK = FrameType.__dict__["f_back"]
F_LOCALS = FrameType.__dict__["f_locals"]
F_GLOBALS = FrameType.__dict__["f_globals"]
F_LINENO = FrameType.__dict__["f_lineno"]
M_FUNC = MethodType.__dict__["__func__"]
B_QUALNAME = BuiltinType.__dict__["__qualname__"]

# Getset descriptors that only read a field (most getsets of C types compute,
# and some call into Python, e.g. TextIOWrapper.name or .closed). Member
# descriptors are always plain field reads.
PURE_GETSETS = frozenset((
    "__self__", "__func__", "cell_contents", "f_back", "f_globals",
    "f_builtins", "f_code", "f_trace", "__defaults__", "__kwdefaults__",
    "__code__", "__traceback__", "__context__", "__cause__", "args",
    "__mro__", "__bases__", "__base__", "gi_frame", "cr_frame", "ag_frame",
    "gi_code", "cr_code", "ag_code", "__class__", "__objclass__",
))

SAFE_KEY_TYPES = (str, int, float, bytes, bool, type(None))
GENERATOR_TYPES = (types.GeneratorType, types.CoroutineType,
                   types.AsyncGeneratorType)


def is_own_file(fn):
    return type(fn) is str and fn.startswith(OWN_PREFIX)


def is_harness_file(fn):
    """fn is code of the program's own (explain's, or the suite
    adapter's), never the user's."""
    return (type(fn) is str and len(HARNESS_PREFIX) > 1
            and fn.startswith(HARNESS_PREFIX))


def is_own_frame(f):
    """f runs explain's code (or cannot be read: then treated as such)."""
    try:
        return is_own_file(CO_FILENAME.__get__(F_CODE.__get__(f)))
    except Exception:
        return True


def is_one_of(t, types_):
    """t is one of types_, by identity: `t in (...)` would compare with ==,
    and a metaclass may define __eq__."""
    for x in types_:
        if t is x:
            return True
    return False


def mdict(module):
    try:
        d = MOD_DICT.__get__(module)
    except Exception:
        return None
    return d if type(d) is dict else None


def dget(d, key):
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


def case_names(module):
    """(module name, file stem, file or None) of the case module. The case
    file, loaded as CASE_MODULE_NAME, is named by its file's stem; a module
    imported under its own name (a suite's test module) by that name."""
    md = mdict(module)
    name = dget(md, "__name__")
    name = name if type(name) is str else CASE_MODULE_NAME
    fn = dget(md, "__file__")
    fn = fn if type(fn) is str else None
    stem = name
    if fn and name == CASE_MODULE_NAME:
        stem = fn.rpartition("/")[2]
        if stem.endswith(".py"):
            stem = stem[:-3]
    return name, stem, fn


def tkey_raw(t, case_name, stem):
    """module.qualname of a type; the case module shows as its file's stem."""
    try:
        qn = T_QUALNAME.__get__(t)
    except Exception:
        qn = None
    try:
        mod = T_MODULE.__get__(t)
    except Exception:
        mod = None
    if type(qn) is not str:
        qn = "?"
    if type(mod) is not str:
        mod = "?"
    if mod == case_name:
        mod = stem
    return mod + "." + qn


def mro(t):
    try:
        m = T_MRO.__get__(t)
    except Exception:
        return (t,)
    return m if type(m) is tuple else (t,)


def class_dict(t):
    """The real dict behind t.__dict__ (the mappingproxy's only referent)."""
    try:
        mp = T_DICT.__get__(t)
    except Exception:
        return None
    for r in gc.get_referents(mp):
        if type(r) is dict:
            return r
    return None


def find_in_seq(a, b, getitem, length):
    """Index of b in sequence a, by identity, searching from the end."""
    try:
        n = length(a)
        for i in range(n - 1, -1, -1):
            if getitem(a, i) is b:
                return i
    except Exception:
        pass
    return None


class Own:
    """The ids of every container explain created that may refer to the
    program's objects, and the containers themselves (kept alive, so an id
    cannot be reused by a program object while registered). The census skips
    them, the chain search never walks through them; release() empties them
    all, so no reference to the program outlives finish()."""

    __slots__ = ("ids", "keep")

    def __init__(self):
        self.ids = set()
        self.keep = []
        self.ids.update((id(self), id(self.ids), id(self.keep)))

    def mine(self, x):
        """Register x, a container explain created, and return it."""
        self.ids.add(id(x))
        self.keep.append(x)
        return x

    def add(self, x):
        """Register x by id only (one of explain's helper objects, released by
        its own owner)."""
        self.ids.add(id(x))
        return x

    def add_package(self):
        """explain's own modules are in sys.modules; they are no root."""
        try:
            items = list(dict.items(sys.modules))
        except Exception:
            return
        for name, m in items:
            if type(name) is str and (name == PACKAGE or
                                      name.startswith(PACKAGE + ".")):
                self.ids.add(id(m))
                d = mdict(m)
                if d is not None:
                    self.ids.add(id(d))

    def release(self):
        for x in self.keep:
            try:
                x.clear()
            except Exception:
                pass
        self.keep = []
        self.ids = set()


class Budget:
    """The bound of finish()'s searches, in this process's CPU seconds:
    what the searches cost, whatever else the machine runs (a wall-time
    bound cut them short on a loaded machine, and the same case got
    another explanation). The runner's --timeout bounds the wall time."""

    __slots__ = ("deadline",)

    def __init__(self, seconds):
        self.deadline = time.process_time() + max(float(seconds), 0.0)

    def late(self):
        return time.process_time() > self.deadline

    def left(self):
        return self.deadline - time.process_time()
