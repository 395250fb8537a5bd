#!/bin/bash -u
# Run every fuzz target built by ci/build-fuzz.sh for a short, bounded time
# (`make fuzz` runs this after the build).
#
#   ci/run-fuzz.sh [BUILD]          BUILD defaults to build-fuzz
#
#   FUZZ_TIME=25         seconds per parser target (case header, trend,
#                        report)
#   FUZZ_CASE_TIME=10    seconds of the leak fuzzer per fuzzable case
#                        (cases/fuzz_*.py)
#   FUZZ_FAIL_ON_LEAK=0  1: a leak found makes the run fail too
#
# Each target fuzzes a working corpus in BUILD/corpus/<target>/ (kept from
# run to run) seeded from corpus/<target>/, with the flags of
# corpus/<target>.options and its dictionary; findings land in
# BUILD/findings/<target>/, logs in BUILD/logs/.
#
# Exit status: 1 when a parser target found anything (a crash, a sanitizer
# report, a broken invariant) or the leak fuzzer failed any other way than
# by finding a leak; a leak found is listed with the command that turns it
# into a case and, unless FUZZ_FAIL_ON_LEAK=1, does not fail the run: the
# fuzzable cases in cases/ are planted leaks, found on purpose.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${1:-build-fuzz}
FUZZ_TIME=${FUZZ_TIME:-25}
FUZZ_CASE_TIME=${FUZZ_CASE_TIME:-10}
FUZZ_FAIL_ON_LEAK=${FUZZ_FAIL_ON_LEAK:-0}
cd "$REPO"
mkdir -p "$BUILD/logs"

failed=0
leaks=0

# The [libfuzzer] section of an .options file as -key=value flags.
options_flags() { # options_flags FILE
    [ -f "$1" ] || return 0
    awk '/^\[/ { on = ($0 == "[libfuzzer]") ; next }
         on && /=/ { gsub(/[ \t]/, ""); split($0, kv, "="); print "-" kv[1] "=" kv[2] }' "$1"
}

# run_target BINARY NAME TIME [VAR=VALUE]: fuzz; sets $rc and $log.
run_target() {
    local bin=$1 name=$2 time=$3 dict=()
    shift 3
    log="$BUILD/logs/$name.log"
    mkdir -p "$BUILD/corpus/$name" "$BUILD/findings/$name"
    [ -f "corpus/$name.dict" ] && dict=(-dict="corpus/$name.dict")
    env "$@" "$BUILD/$bin" $(options_flags "corpus/$name.options") \
        "${dict[@]}" -max_total_time="$time" -print_final_stats=1 \
        -malloc_limit_mb=2048 \
        -artifact_prefix="$BUILD/findings/$name/" \
        "$BUILD/corpus/$name" "corpus/$name" >"$log" 2>&1
    rc=$?
}

stats() { # exec/s and runs from a log
    awk '/stat::number_of_executed_units/ { n = $2 }
         /stat::average_exec_per_sec/ { e = $2 }
         END { if (n != "") printf "%s runs, %s exec/s", n, e }' "$1"
}

for target in fuzz_case_header fuzz_trend fuzz_report; do
    run_target "$target" "$target" "$FUZZ_TIME"
    if [ "$rc" -eq 0 ]; then
        printf 'ok    %-40s %s\n' "$target" "$(stats "$log")"
    else
        printf 'FAIL  %-40s exit %s, see %s\n' "$target" "$rc" "$log"
        grep -E 'invariant broken|ERROR:|SUMMARY:|runtime error|Test unit written' "$log" | head -5 | sed 's/^/      /'
        failed=1
    fi
done

for case in cases/fuzz_*.py; do
    [ -e "$case" ] || continue
    name=fuzz_scenario_$(basename "$case" .py | sed 's/^fuzz_//')
    # A malloc over 64 MiB returns NULL (MemoryError, an outcome) instead
    # of stopping as libFuzzer's out-of-memory: marshal and pickle read
    # length fields of gigabytes (src/cmd/fuzz.c does the same).
    run_target fuzz_scenario "$name" "$FUZZ_CASE_TIME" LEAKCHECK_CASE="$case" \
        ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}allocator_may_return_null=1:max_allocation_size_mb=64"
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
    if [ "$rc" -eq 0 ]; then
        printf 'ok    %-40s no leak in %s s, %s\n' "$name" "$FUZZ_CASE_TIME" "$(stats "$log")"
    elif grep -q '^==leakcheck== LEAK' "$log" && [ -n "$artifact" ]; then
        printf 'LEAK  %-40s %s\n' "$name" "$(grep -m1 '^==leakcheck== growth per call' "$log" | sed 's/^==leakcheck== //')"
        printf '      artifact %s\n      make it a case: build/leakcheck repro %s %s\n' "$artifact" "$case" "$artifact"
        leaks=$((leaks + 1))
    else
        printf 'FAIL  %-40s exit %s, see %s\n' "$name" "$rc" "$log"
        grep -E 'ERROR:|SUMMARY:|runtime error|Fatal Python error' "$log" | head -5 | sed 's/^/      /'
        failed=1
    fi
done

echo "run-fuzz: $leaks leak(s) found; $([ $failed -eq 0 ] && echo 'no other finding' || echo 'FINDINGS above')"
if [ "$failed" -ne 0 ] || { [ "$FUZZ_FAIL_ON_LEAK" = 1 ] && [ "$leaks" -gt 0 ]; }; then
    exit 1
fi
exit 0
