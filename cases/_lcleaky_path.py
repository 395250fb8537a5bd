"""Import _lcleaky (tests/ext/_lcleaky.c) for the ext_*.py cases.

Not a case (the runner skips names that start with "_"). The extension is
built for the interpreter the program embeds, into <build>/tests/ext, and
the worker running a case is that program itself (<build>/leakcheck), so
the extension is looked up beside /proc/self/exe: `make leakcheck` and
`make leakcheck BUILD=build-dbg PYTHON=/usr/bin/python3.11d` each load the
build of their own ABI. LEAKCHECK_EXT_DIR, when set, names the folder
instead (a leakcheck installed elsewhere).
"""

import importlib
import os
import sys


def load():
    folder = os.environ.get("LEAKCHECK_EXT_DIR")
    if not folder:
        exe = os.path.realpath("/proc/self/exe")
        folder = os.path.join(os.path.dirname(exe), "tests", "ext")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    try:
        return importlib.import_module("_lcleaky")
    except ImportError as e:
        raise ImportError(
            "_lcleaky is not built in %s: build the tree that holds the "
            "leakcheck program (cmake --build BUILD), or set "
            "LEAKCHECK_EXT_DIR to the folder that holds it" % folder) from e
