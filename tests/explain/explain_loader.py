"""explain_loader.py - install src/explain/ the way src/explain/explain.c does.

The modules listed in src/explain/modules.txt, in that order, become
`_leakcheck_explain` (from __init__.py, with an empty __path__) and
`_leakcheck_explain.<name>`, each a module object in sys.modules and an
attribute of the package, its code compiled under the filename
"<leakcheck>/explain/<name>.py" with its source registered in linecache as
(size, None, lines, filename), then executed in the module's dict. Nothing
is imported from disk: the tests run exactly the code the binary embeds.

load_case() loads a case file as src/probe/embed.c's lc_script_load() does: as
"__leakcheck_case__", its folder first on sys.path.
"""

import importlib.util
import linecache
import os
import sys
import types

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.normpath(os.path.join(HERE, "..", "..", "src", "explain"))
PACKAGE = "_leakcheck_explain"
FILENAME = "<leakcheck>/explain/%s.py"
CASE_MODULE = "__leakcheck_case__"


def module_names():
    with open(os.path.join(SRC, "modules.txt")) as f:
        return [s.strip() for s in f
                if s.strip() and not s.startswith("#")]


def install():
    """Install the package (once per process); returns its entry module."""
    if PACKAGE + ".entry" in sys.modules:
        return sys.modules[PACKAGE + ".entry"]
    pkg = types.ModuleType(PACKAGE)
    pkg.__path__ = []
    pkg.__package__ = PACKAGE
    sys.modules[PACKAGE] = pkg
    for name in module_names():
        with open(os.path.join(SRC, name + ".py"), encoding="utf-8") as f:
            src = f.read()
        if name == "__init__":
            mod = pkg
        else:
            mod = types.ModuleType(PACKAGE + "." + name)
            mod.__package__ = PACKAGE
            sys.modules[mod.__name__] = mod
            setattr(pkg, name, mod)
        fn = FILENAME % name
        linecache.cache[fn] = (len(src), None, src.splitlines(True), fn)
        mod.__dict__["__builtins__"] = __builtins__
        exec(compile(src, fn, "exec"), mod.__dict__)
    return sys.modules[PACKAGE + ".entry"]


def load_case(path):
    sys.argv = [path]
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    spec = importlib.util.spec_from_file_location(CASE_MODULE, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[CASE_MODULE] = mod
    spec.loader.exec_module(mod)
    return mod
