#!/usr/bin/env bash
# suite_vs_regrtest.sh - wall time of `leakcheck unittest` against CPython's
# `/usr/bin/python3.11d -m test -R 3:3` on the same CPython test modules, both -j2,
# measured in one run of this script (one run each, back to back), and the
# ratio. Prints figures; never passes or fails on a time.
#
#   bash bench/suite_vs_regrtest.sh [BUILD_DIR] [MODULE...]
#
# Needs libpython3.11-testsuite (ci/install-deps.sh) and python3.11-dbg for
# regrtest -R (not in ci/install-deps.sh: installing it upgrades python3.11
# to its Debian revision; `apt-get install python3.11-dbg` once).
set -euo pipefail
if [ ! -x /usr/bin/python3.11d ]; then
    echo "suite_vs_regrtest: needs /usr/bin/python3.11d: apt-get install python3.11-dbg" >&2
    exit 1
fi
build=${1:-build}
shift || true
modules=("$@")
if [ ${#modules[@]} -eq 0 ]; then
    # Clean under both tools on Debian 12 (3.11.2): the fixed list.
    modules=(test_bisect test_colorsys test_heapq test_textwrap test_fnmatch
             test_operator test_keyword test_base64 test_binascii test_string
             test_json test_difflib)
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
now() { date +%s.%N; }

t0=$(now)
(cd "$tmp" && /usr/bin/python3.11d -m test -R 3:3 -j2 "${modules[@]}" >"$tmp/regrtest.log" 2>&1) || true
t1=$(now)
dotted=()
for m in "${modules[@]}"; do dotted+=("test.$m"); done
"$build/leakcheck" unittest "${dotted[@]}" -j2 -q --format json \
    -o "$tmp/leakcheck.json" 2>"$tmp/leakcheck.err" || true
t2=$(now)

/usr/bin/python3.11 - "$tmp" "$t0" "$t1" "$t2" "${modules[@]}" <<'PY'
import json, re, sys
tmp, t0, t1, t2, mods = sys.argv[1], *map(float, sys.argv[2:5]), sys.argv[5:]
reg, ours = t1 - t0, t2 - t1
log = open(tmp + "/regrtest.log", encoding="utf-8", errors="replace").read()
leaked = sorted(set(re.findall(r"(test_\w+) leaked", log)))
rep = json.load(open(tmp + "/leakcheck.json"))
by_mod = {}
for c in rep["cases"]:
    m = c["id"].split(".")[1] if "." in c["id"] else c["id"]
    by_mod.setdefault(m, []).append(c)
print("%-16s %6s %6s %6s %6s %6s" % ("module", "tests", "clean", "screen", "leak", "other"))
for m in mods:
    cs = by_mod.get(m, [])
    v = [c["verdict"] for c in cs]
    print("%-16s %6d %6d %6d %6d %6d" % (
        m, len(cs), v.count("clean"), sum(1 for c in cs if c.get("screened")),
        v.count("leak"), len(cs) - v.count("clean") - v.count("leak")))
print("leaks by test id:", [c["id"] for c in rep["cases"] if c["verdict"] == "leak"] or "none")
print("regrtest -R 3:3 -j2 flagged:", leaked or "none")
print("wall: regrtest %.1f s, leakcheck %.1f s, ratio leakcheck/regrtest %.2f"
      % (reg, ours, ours / reg))
PY
