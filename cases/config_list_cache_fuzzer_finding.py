# leakcheck: expect=leak
# leakcheck: source="leak fuzzer: fuzz_config_list_cache.py, artifact crash-73b19ff746a56308b1b3b50b6c27b4b4cbf151db, 2026-11-25"
"""Replays an input that made fuzz(data) of fuzz_config_list_cache.py leak.

Case:     cases/fuzz_config_list_cache.py
Artifact: crash-73b19ff746a56308b1b3b50b6c27b4b4cbf151db (12 bytes, minimized to 4)
Found:    2026-11-25 by the leak fuzzer (build-fuzz/fuzz_scenario),
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
                    os.fsdecode(b"fuzz_config_list_cache.py"))

DATA = (
    b"t=[]"
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
