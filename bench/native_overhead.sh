#!/usr/bin/env bash
# native_overhead.sh - what the leakcheck program's own malloc family
# (src/probe/native_malloc.c, native.h) costs when it is off, as in every verdict
# worker: bench_hooks against bench_hooks_native (the same program carrying
# those functions), both with the counting hooks on.
#
#   bash bench/native_overhead.sh BUILD_DIR
#
# Prints per workload the instruction ratio (callgrind, bench_timed_loop()
# only, repeatable to ~0.2%) and the wall-time ratio (medians of ROUNDS
# alternating processes). Reports, never fails on a figure.
set -euo pipefail

ROUNDS=5
CG_ITERATIONS=200
CG_WARMUP=200

[ $# -eq 1 ] || { echo "usage: native_overhead.sh BUILD_DIR" >&2; exit 1; }
plain=$1/bench/bench_hooks
native=$1/bench/bench_hooks_native
for b in "$plain" "$native"; do
    [ -x "$b" ] || { echo "native_overhead: $b not found: build first" >&2; exit 1; }
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

ir() { # BINARY WORKLOAD -> instructions in bench_timed_loop
    valgrind --tool=callgrind --collect-atstart=no \
        --toggle-collect=bench_timed_loop --callgrind-out-file="$out/cg" \
        "$1" --hooks --workload "$2" --iterations $CG_ITERATIONS \
        --warmup $CG_WARMUP --rounds 1 >/dev/null 2>"$out/log"
    awk '/^totals:/ { print $2 }' "$out/cg"
}

ns() { # BINARY WORKLOAD -> wall ns per call
    "$1" --hooks --workload "$2" | sed -n 's/.* ns_per_iter=\([0-9.]*\).*/\1/p'
}

median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

printf '%-8s %14s %14s %8s %10s\n' workload "Ir plain" "Ir native" ratio "wall ratio"
for w in $("$plain" --list | awk '{ print $1 }'); do
    a=$(ir "$plain" "$w")
    b=$(ir "$native" "$w")
    : >"$out/pa"; : >"$out/pb"
    for ((r = 0; r < ROUNDS; r++)); do
        if ((r % 2)); then ns "$native" "$w" >>"$out/pb"; ns "$plain" "$w" >>"$out/pa"
        else ns "$plain" "$w" >>"$out/pa"; ns "$native" "$w" >>"$out/pb"; fi
    done
    ma=$(median <"$out/pa"); mb=$(median <"$out/pb")
    awk -v w="$w" -v a="$a" -v b="$b" -v ma="$ma" -v mb="$mb" \
        'BEGIN { printf "%-8s %14d %14d %8.4f %10.3f\n", w, a, b, b / a, mb / ma }'
done
