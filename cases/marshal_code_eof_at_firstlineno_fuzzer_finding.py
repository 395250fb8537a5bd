# leakcheck: expect=leak
# leakcheck: source="leak fuzzer: fuzz_stdlib_marshal.py, artifact crash-0f3ca1eb5980e293a2566fd5262410744b3a6e1d.min, 2026-12-01; upstream gh-148418"
"""Replays an input that made fuzz(data) of fuzz_stdlib_marshal.py leak.

marshal.loads of a code object cut off where its co_firstlineno should
be: r_object's TYPE_CODE case reads firstlineno, gets EOF and `break`s
instead of going to code_error, so the fields it already read (code,
consts, names, localsplusnames, ...) are never released: EOFError, and
2 blocks kept per call (Debian's python3.11 3.11.2, plain interpreter:
+2000 blocks per 1000 calls). Upstream: python/cpython#148418 (open when
found, "8 refs leaked on corrupt TYPE_CODE marshal stream"). Found by
`leakcheck fuzz cases/fuzz_stdlib_marshal.py` in a 30 s campaign
(bench/fuzz_stdlib.sh, doc/fuzz-stdlib.md).

Case:     cases/fuzz_stdlib_marshal.py
Artifact: crash-0f3ca1eb5980e293a2566fd5262410744b3a6e1d.min (65 bytes)
Found:    2026-12-01 by the leak fuzzer (build-fuzz/fuzz_scenario),
          made a case by `leakcheck repro`

The fuzzer's leak oracle saw memory grow on every call of fuzz()
with this input. run() feeds the same bytes to the original case's
fuzz(), loaded from its file, once per iteration; setup() and
teardown() are the original's. An exception from fuzz() is an
expected outcome here, as it was for the fuzzer. When the leak is
fixed, flip expect=leak to expect=clean.
"""

import importlib.util
import os
import sys

CASE = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                    os.fsdecode(b"fuzz_stdlib_marshal.py"))

DATA = (
    b"c\x00\x00\x00\xf3\n\x00\x00\x00\x97\x00d\x00Z\x00d\x01S\x00)\x02\xe9\x01\x00\x00\x00N)\x01\xda\x01x\xa9\x00\xf3\x00\x00\x00\x00\xda\x00s\x0e\x00\x00\x00\xf0\x03\x01\x01\x01\xd8\x02\x03\x80\x00\x80\x01\x80\x01r\x04\x00\x00"
    b"\x00"
)


def _load(path):
    name = "_leakcheck_fuzzed_" + os.path.splitext(os.path.basename(path))[0]
    folder = os.path.dirname(path)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


fuzzed = _load(CASE)


def setup():
    if hasattr(fuzzed, "setup"):
        fuzzed.setup()


def run():
    try:
        fuzzed.fuzz(DATA)
    except Exception:
        pass


def teardown():
    if hasattr(fuzzed, "teardown"):
        fuzzed.teardown()
