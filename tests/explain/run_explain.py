"""run_explain.py - run src/explain.py on a case the way the C side does.

    /usr/bin/python3.11 tests/explain/run_explain.py CASE [options]

Mimics src/explain.c's worker: explain.py is compiled from its text under the
name "<leakcheck explain.py>" into a fresh namespace (never imported), the
case is loaded as "__leakcheck_case__" (in sys.modules, its folder on
sys.path), then setup(), the warm-up run() calls, begin(module, depth), N
run() calls, finish(state, N, native, growth, dot), teardown(). Prints the
text report; --json FILE also writes the JSON object.
"""

import argparse
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
EXPLAIN = os.path.join(HERE, "..", "..", "src", "explain.py")


def load_explain():
    with open(EXPLAIN) as f:
        src = f.read()
    ns = {"__builtins__": __builtins__}
    exec(compile(src, "<leakcheck explain.py>", "exec"), ns, ns)
    return ns


def load_case(path):
    name = "__leakcheck_case__"
    sys.argv = [path]
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def parse_growth(s):
    out = {}
    for part in filter(None, (s or "").split(",")):
        k, _, v = part.partition("=")
        out[k.strip()] = float(v)
    return out


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("case")
    ap.add_argument("-n", "--iterations", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--depth", type=int, default=10)
    ap.add_argument("--native", type=float, default=0.0,
                    help="native heap growth per iteration to pass on")
    ap.add_argument("--growth", default="",
                    help="signal=rate,... as the verdict found it")
    ap.add_argument("--dot", default=None)
    ap.add_argument("--json", default=None, help="write the JSON here")
    ap.add_argument("--samples", type=int, default=3)
    ap.add_argument("--chain-depth", type=int, default=12)
    ap.add_argument("--budget", type=float, default=10.0)
    a = ap.parse_args(argv)

    growth = parse_growth(a.growth)
    explain = load_explain()
    mod = load_case(a.case)
    if hasattr(mod, "setup"):
        mod.setup()
    for _ in range(a.warmup):
        mod.run()
    state = explain["begin"](mod, a.depth)
    for _ in range(a.iterations):
        mod.run()
    json_text, text = explain["finish"](
        state, a.iterations, a.native, growth, a.dot,
        a.samples, a.chain_depth, a.budget)
    del state
    sys.stdout.write(text)
    sys.stdout.flush()
    if a.json:
        with open(a.json, "w") as f:
            f.write(json_text)
    if hasattr(mod, "teardown"):
        mod.teardown()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
