#!/usr/bin/env bash
# hook_overhead.sh - what leakcheck's counting allocator hooks cost.
#
#   bash bench/hook_overhead.sh BUILD_DIR      (`make bench` does this)
#
# For each workload of BUILD_DIR/bench/bench_hooks, the same loop is measured
# in an interpreter started with the hooks (src/probe/alloc.c) and without them,
# and the figure printed is the ratio hooks/no-hooks:
#
#   instructions  callgrind, counting only bench_timed_loop() (the calls, not
#                 start-up or warm-up): repeatable to about 0.2% (string
#                 hashing is seeded per process), whatever else runs on the
#                 machine. Also read from the profile: hooked allocator calls
#                 per workload call, and src/probe/alloc.c's own instructions per
#                 allocator call.
#   wall time     7 rounds per side, the two sides alternating (and which goes
#                 first alternating too), one process each; median per side.
#                 Each process reports the median of its own 5 timed rounds.
#                 The same for the thread's CPU time, which leaves out the time
#                 other processes held the CPU. Other work on a shared machine
#                 still shows in the spread columns (it slows both clocks, by
#                 a third at times on this machine): the instruction ratio is
#                 the one to compare across runs.
#
# Overall figures are geometric means of the per-workload ratios. The goal is
# <= 1.10x; this script reports, it never fails on a figure: exit 0, or 1 when
# something could not run. BENCH_KEEP=DIR keeps the callgrind files there (for
# callgrind_annotate). Takes under a minute on 2 cores.
set -euo pipefail

ROUNDS=7            # wall-time processes per side and workload
CG_ITERATIONS=200   # measured calls under callgrind (counts are exact: few do)
CG_WARMUP=200       # calls before them, not counted
PYTHON=/usr/bin/python3.11

die() {
    echo "hook_overhead: $*" >&2
    exit 1
}

[ $# -eq 1 ] || die "usage: hook_overhead.sh BUILD_DIR"
bench=$1/bench/bench_hooks
[ -x "$bench" ] || die "$bench not found: build first (make build)"
command -v valgrind >/dev/null || die "valgrind not found (ci/install-deps.sh)"
[ -x "$PYTHON" ] || die "$PYTHON not found"

if [ -n "${BENCH_KEEP:-}" ]; then
    out=$BENCH_KEEP
    mkdir -p "$out"
else
    out=$(mktemp -d)
    trap 'rm -rf "$out"' EXIT
fi

mapfile -t workloads < <("$bench" --list | awk '{ print $1 }')
[ ${#workloads[@]} -gt 0 ] || die "$bench --list printed no workload"

# The two figures bench_hooks prints, wall and CPU time per call: "NS CPU_NS"
times_per_call() {
    local line
    line=$("$bench" "$@") || die "bench_hooks $* failed"
    [[ $line =~ \ ns_per_iter=([0-9.]+)\ cpu_ns_per_iter=([0-9.]+) ]] ||
        die "bench_hooks $* printed no times: $line"
    echo "${BASH_REMATCH[1]} ${BASH_REMATCH[2]}"
}

# One callgrind profile of bench_timed_loop(): $out/callgrind.WORKLOAD.SIDE
callgrind() {
    local file=$out/callgrind.$1.$2
    valgrind --tool=callgrind --collect-atstart=no \
        --toggle-collect=bench_timed_loop --callgrind-out-file="$file" \
        "$bench" "--$2" --workload "$1" --iterations $CG_ITERATIONS \
        --warmup $CG_WARMUP --rounds 1 >/dev/null 2>"$file.log" ||
        { cat "$file.log" >&2; return 1; }
    grep -q '^totals: [0-9]' "$file" ||
        { echo "hook_overhead: no totals in $file" >&2; return 1; }
}

echo "hook_overhead: $bench (hooks/no-hooks; goal <= 1.10x)"
echo "instructions: callgrind, $CG_ITERATIONS calls per side and workload..."
for w in "${workloads[@]}"; do
    # Two cores, two sides: counts do not depend on what runs beside them.
    callgrind "$w" no-hooks &
    off=$!
    callgrind "$w" hooks || die "callgrind on $w --hooks failed"
    wait $off || die "callgrind on $w --no-hooks failed"
done

echo "wall time: $ROUNDS alternating rounds per side and workload..."
: >"$out/wall"
for ((r = 0; r < ROUNDS; r++)); do
    sides=(no-hooks hooks)
    ((r % 2 == 0)) || sides=(hooks no-hooks)
    for w in "${workloads[@]}"; do
        for side in "${sides[@]}"; do
            ns=$(times_per_call "--$side" --workload "$w") || exit 1
            echo "$w $side $ns" >>"$out/wall"
        done
    done
done

"$PYTHON" - "$out" $CG_ITERATIONS "${workloads[@]}" <<'EOF' || die "no report"
import math, statistics, sys

out, cg_iterations, workloads = sys.argv[1], int(sys.argv[2]), sys.argv[3:]


def profile(path):
    """Total Ir inside bench_timed_loop, src/probe/alloc.c's own Ir, and the calls
    into src/probe/alloc.c from outside it (the hooked allocator calls), read from
    a callgrind file (valgrind manual, "Callgrind Format Specification")."""
    names, files = {}, {}
    ours_fns, calls = set(), []
    total = ours = 0
    fn_ours = after_calls = False
    fl = callee = ""

    def ref(table, rest):  # "(id) name" defines id, "(id)" reuses it
        if rest.startswith("("):
            key, _, name = rest[1:].partition(")")
            if name.strip():
                table[key] = name.strip()
            return table.get(key, "")
        return rest.strip()

    for line in open(path):
        if after_calls:  # the inclusive cost of that call: not self cost
            after_calls = False
            continue
        if line.startswith("totals:"):
            total = int(line.split()[1])
        elif line[:1].isdigit() or line[:1] in "+-*":
            cost = line.split()
            if fn_ours and len(cost) > 1:
                ours += int(cost[1])
        elif line.startswith("fl="):
            fl = ref(files, line[3:])
        elif line.startswith(("fi=", "fe=", "cfi=", "cfl=")):
            ref(files, line.partition("=")[2])
        elif line.startswith("fn="):
            fn_ours = fl.endswith("/src/probe/alloc.c")
            if fn_ours:
                ours_fns.add(ref(names, line[3:]).split("'")[0])
            else:
                ref(names, line[3:])
        elif line.startswith("cfn="):
            callee = ref(names, line[4:]).split("'")[0]
        elif line.startswith("calls="):
            after_calls = True
            if not fn_ours:
                calls.append((callee, int(line[6:].split()[0])))
    hooked = sum(n for callee, n in calls if callee in ours_fns)
    return total, ours, hooked


def geomean(xs):
    return math.exp(sum(math.log(x) for x in xs) / len(xs))


def spread(xs, m):
    return f"±{(max(xs) - min(xs)) / 2 / m:.0%}"


wall, cpu = {}, {}
for line in open(f"{out}/wall"):
    w, side, ns, cpu_ns = line.split()
    wall.setdefault((w, side), []).append(float(ns))
    cpu.setdefault((w, side), []).append(float(cpu_ns))

n = cg_iterations
print()
print("Instructions per call of the workload "
      "(callgrind, bench_timed_loop only):")
print(f"  {'workload':10}{'no-hooks':>11}{'hooks':>11}{'ratio':>9}"
      f"{'allocator calls':>17}{'alloc.c instr':>15}")
ir_ratios = []
for w in workloads:
    off = profile(f"{out}/callgrind.{w}.no-hooks")[0] / n
    on, ours, hooked = profile(f"{out}/callgrind.{w}.hooks")
    on, ours, hooked = on / n, ours / n, hooked / n
    ir_ratios.append(on / off)
    print(f"  {w:10}{off:11,.0f}{on:11,.0f}{on / off:8.3f}x"
          f"{hooked:17,.0f}{ours / hooked if hooked else 0:15.1f}")
print("  (allocator calls: hooked malloc/calloc/realloc/free per workload"
      " call;"
      "\n   alloc.c instr: src/probe/alloc.c's own instructions per allocator call)")
print()
print("Wall time per call, microseconds (median of "
      f"{len(wall[(workloads[0], 'hooks')])} processes per side):")
print(f"  {'workload':10}{'no-hooks':>11}{'spread':>9}{'hooks':>11}"
      f"{'spread':>9}{'ratio':>9}{'CPU-time ratio':>16}")
wall_ratios, cpu_ratios = [], []
for w in workloads:
    off, on = wall[(w, "no-hooks")], wall[(w, "hooks")]
    moff, mon = statistics.median(off), statistics.median(on)
    wall_ratios.append(mon / moff)
    cpu_ratios.append(statistics.median(cpu[(w, "hooks")]) /
                      statistics.median(cpu[(w, "no-hooks")]))
    print(f"  {w:10}{moff / 1000:11.1f}{spread(off, moff):>9}"
          f"{mon / 1000:11.1f}{spread(on, mon):>9}{mon / moff:8.3f}x"
          f"{cpu_ratios[-1]:15.3f}x")
print("  (spread: half the range over the processes, relative to the median;"
      "\n   CPU-time ratio: the same from the thread's CPU time, which leaves"
      "\n   out the time other processes held the CPU)")
print()
print(f"overall (geometric mean of the ratios): instructions "
      f"{geomean(ir_ratios):.3f}x, wall time {geomean(wall_ratios):.3f}x "
      f"(CPU time {geomean(cpu_ratios):.3f}x); goal <= 1.10x")
EOF
