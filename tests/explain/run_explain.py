"""run_explain.py - run the explain package on a case as the binary does.

    /usr/bin/python3.11 tests/explain/run_explain.py CASE [options]

The package is installed by explain_loader.py (the same files, names and
linecache registration as src/explain/explain.c), the case loaded as
"__leakcheck_case__", then setup(), the one entry point
_leakcheck_explain.entry.run() and teardown(), as lc_explain_run() does.
Options left out are not passed, so entry.run()'s defaults (the binary's)
apply. Prints the text report; --json FILE also writes the JSON object.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import explain_loader  # noqa: E402


def parse_growth(s):
    out = {}
    for part in filter(None, (s or "").split(",")):
        k, _, v = part.partition("=")
        out[k.strip()] = float(v)
    return out


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("case")
    ap.add_argument("-n", "--iterations", type=int, dest="iterations")
    ap.add_argument("--warmup", type=int)
    ap.add_argument("--depth", type=int)
    ap.add_argument("--native", type=float, dest="native_per_iter",
                    help="native heap growth per iteration to pass on")
    ap.add_argument("--growth", type=parse_growth,
                    help="signal=rate,... as the verdict found it")
    ap.add_argument("--dot", dest="dot_path")
    ap.add_argument("--samples", type=int, dest="chain_samples")
    ap.add_argument("--chain-depth", type=int)
    ap.add_argument("--budget", type=float, dest="time_budget")
    ap.add_argument("--json", default=None, help="write the JSON here")
    a = vars(ap.parse_args(argv))
    out_json = a.pop("json")
    case = a.pop("case")
    kw = {k: v for k, v in a.items() if v is not None}

    entry = explain_loader.install()
    mod = explain_loader.load_case(case)
    if hasattr(mod, "setup"):
        mod.setup()
    json_text, text = entry.run(mod, **kw)
    if hasattr(mod, "teardown"):
        mod.teardown()
    sys.stdout.write(text)
    sys.stdout.flush()
    if out_json:
        with open(out_json, "w") as f:
            f.write(json_text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
