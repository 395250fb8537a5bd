#!/bin/bash -u
# fuzz_bench.sh - what the leak fuzzer costs and how fast it finds leaks.
#
#   bash bench/fuzz_bench.sh [BUILD]      BUILD defaults to build-fuzz
#
# 1. exec/s of the leak fuzzer (build-fuzz/fuzz_scenario, oracle on) next
#    to the same program calling the same fuzz() once per input with the
#    oracle off (LEAKCHECK_FUZZ_ORACLE=0), on the clean control case
#    cases/fuzz_json_roundtrip_clean.py, where no run stops early. Both feed
#    Python coverage; the difference is the oracle alone. Three runs of
#    each, alternating, medians: the runs evolve different corpora and the
#    machine is shared, so one run of each is noise.
# 2. Time to find each planted leak (every cases/fuzz_*.py not named
#    *_clean), from its seed corpus and dictionary, once per libFuzzer seed
#    (-seed=1..5): wall seconds from start to the saved artifact, interpreter
#    start included; median and max. A run that finds nothing within the cap
#    counts as the cap and is marked '>'.
# 3. The magic case once more with the Python coverage feed off
#    (LEAKCHECK_FUZZ_PYCOV=0), one seed: the wall pycov.h takes down.
# 4. The sparse check's cost: exec/s on the clean control case with the
#    sparse check on (the default) and off (LEAKCHECK_FUZZ_SPARSE=0, the
#    oracle before it), 3 runs each, alternating, medians; and time to find
#    cases/sparse_fuzz_one_in_k.py's leak of one call in 8 with each.
# 5. C coverage of an extension: time to find the leak behind a 4-byte
#    magic compared in C (cases/fuzz_ext_magic_bytewise.py, and _memcmp),
#    with _lcleaky built with -fsanitize=fuzzer-no-link (BUILD/tests/ext,
#    ci/build-fuzz.sh) and without (the normal build's, build/tests/ext,
#    gcc: LEAKCHECK_EXT_DIR), once per seed.
#
# Prints figures; never fails on a threshold (STYLE.md). Runs one fuzzer at
# a time. Settings: BENCH_EXEC_TIME=10 (s per exec/s run), BENCH_CAP=60
# (s per search), BENCH_SEEDS="1 2 3 4 5", BENCH_WALL=1 (0 skips part 3).
# Builds the targets with ci/build-fuzz.sh when BUILD has none.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${1:-build-fuzz}
EXEC_TIME=${BENCH_EXEC_TIME:-10}
CAP=${BENCH_CAP:-60}
SEEDS=${BENCH_SEEDS:-1 2 3 4 5}
WALL=${BENCH_WALL:-1}
PARTS=${BENCH_PARTS:-1 2 3 4 5}
PLAIN_EXT=${BENCH_PLAIN_EXT:-$REPO/build/tests/ext}
want() { case " $PARTS " in *" $1 "*) return 0 ;; esac; return 1; }
cd "$REPO"
case $BUILD in /*) ;; *) BUILD=$REPO/$BUILD ;; esac

if [ ! -x "$BUILD/fuzz_scenario" ]; then
    echo "fuzz_bench: building the fuzz targets into $BUILD"
    CC=${CC:-clang-14} OUT="$BUILD" WORK="$BUILD/work" \
        bash ci/build-fuzz.sh >/dev/null || exit 0
fi
FUZZER=$BUILD/fuzz_scenario
TMP=$(mktemp -d /tmp/fuzz_bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

now() { date +%s.%N; }

# exec_rate ORACLE [VAR=VALUE...]: average exec/s of a run on the clean
# control case.
exec_rate() {
    local dir="$TMP/exec$1_$RANDOM"
    mkdir -p "$dir"
    env LEAKCHECK_FUZZ_ORACLE=$1 "${@:2}" \
    LEAKCHECK_CASE=cases/fuzz_json_roundtrip_clean.py \
        "$FUZZER" -seed=1 -max_len=256 -max_total_time="$EXEC_TIME" \
        -print_final_stats=1 -artifact_prefix="$dir/" "$dir" \
        corpus/fuzz_scenario_json_roundtrip_clean 2>&1 |
        awk '/stat::average_exec_per_sec/ { print $2 }'
}

# find_time CASE SEED [VAR=VALUE...]: wall seconds to a leak, or ">CAP".
find_time() {
    local case=$1 seed=$2 name dir dict=() t0 t1 out
    shift 2
    name=fuzz_scenario_$(basename "$case" .py | sed 's/^fuzz_//')
    dir="$TMP/find_${name}_${seed}_${RANDOM}"
    mkdir -p "$dir"
    [ -f "corpus/$name.dict" ] && dict=(-dict="corpus/$name.dict")
    t0=$(now)
    env LEAKCHECK_CASE="$case" "$@" "$FUZZER" -seed="$seed" -max_len=256 \
        -max_total_time="$CAP" "${dict[@]}" -artifact_prefix="$dir/" \
        "$dir" "corpus/$name" >"$dir.log" 2>&1
    t1=$(now)
    if grep -q '^==leakcheck== LEAK' "$dir.log"; then
        awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }'
    else
        echo ">$CAP"
    fi
}

# median and max of a list where ">N" counts as N
summary() {
    printf '%s\n' "$@" | sed 's/^>//' | sort -g |
        awk '{ v[NR] = $1 } END {
                 m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
                 printf "%6.1f %6.1f", m, v[NR] }'
}

echo "leak fuzzer benchmark ($(nproc) cores, $(basename "$FUZZER") in $BUILD)"
echo
# median of numbers
median() {
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
        if (NR) printf "%.0f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

if want 1; then
echo "1. exec/s on cases/fuzz_json_roundtrip_clean.py: 3 runs of each, $EXEC_TIME s,"
echo "   alternating (the machine is shared); medians"
plains=() oracles=()
for round in 1 2 3; do
    plains+=("$(exec_rate 0)")
    oracles+=("$(exec_rate 1)")
done
plain=$(median "${plains[@]}")
oracle=$(median "${oracles[@]}")
echo "   runs: plain ${plains[*]}; oracle ${oracles[*]}"
printf '   %-44s %8s\n' "plain: one traced call, no oracle" "${plain:-?}"
printf '   %-44s %8s' "leak oracle" "${oracle:-?}"
if [ -n "$plain" ] && [ -n "$oracle" ] && [ "$plain" -gt 0 ]; then
    awk -v o="$oracle" -v p="$plain" 'BEGIN { printf "   %.0f%% of plain\n", 100 * o / p }'
else
    echo
fi
fi

if want 2; then
echo
echo "2. time to find each planted leak, wall seconds (seeds: $SEEDS; cap $CAP s)"
printf '   %-40s %-32s %6s %6s\n' case runs median max
for case in cases/fuzz_*.py; do
    case $case in *_clean.py) continue ;; esac
    times=()
    for seed in $SEEDS; do
        times+=("$(find_time "$case" "$seed")")
    done
    printf '   %-40s %-32s %s\n' "$(basename "$case" .py)" "${times[*]}" "$(summary "${times[@]}")"
done
fi

if want 3 && [ "$WALL" = 1 ] && [ -e cases/fuzz_magic_header.py ]; then
    echo
    echo "3. cases/fuzz_magic_header.py without the Python coverage feed (seed 1)"
    printf '   %-40s %s s\n' "LEAKCHECK_FUZZ_PYCOV=0" \
        "$(find_time cases/fuzz_magic_header.py 1 LEAKCHECK_FUZZ_PYCOV=0)"
fi

if want 4; then
    echo
    echo "4. the sparse check: exec/s on cases/fuzz_json_roundtrip_clean.py, 3 runs"
    echo "   of each, $EXEC_TIME s, alternating; medians"
    ons=() offs=()
    for round in 1 2 3; do
        offs+=("$(exec_rate 1 LEAKCHECK_FUZZ_SPARSE=0)")
        ons+=("$(exec_rate 1 LEAKCHECK_FUZZ_SPARSE=1)")
    done
    on=$(median "${ons[@]}")
    off=$(median "${offs[@]}")
    echo "   runs: off ${offs[*]}; on ${ons[*]}"
    printf '   %-44s %8s\n' "oracle without the sparse check" "${off:-?}"
    printf '   %-44s %8s' "oracle with the sparse check (default)" "${on:-?}"
    if [ -n "$on" ] && [ -n "$off" ] && [ "$off" -gt 0 ]; then
        awk -v a="$on" -v b="$off" 'BEGIN { printf "   %.0f%% of without\n", 100 * a / b }'
    else
        echo
    fi
    if [ -e cases/fuzz_sparse_one_in_k.py ]; then
        echo "   time to find the leak of one call in 8 (cases/fuzz_sparse_one_in_k.py), seeds: $SEEDS"
        for sp in 1 0; do
            times=()
            for seed in $SEEDS; do
                times+=("$(find_time cases/fuzz_sparse_one_in_k.py "$seed" LEAKCHECK_FUZZ_SPARSE=$sp)")
            done
            printf '   %-40s %-32s %s\n' "LEAKCHECK_FUZZ_SPARSE=$sp" "${times[*]}" "$(summary "${times[@]}")"
        done
    fi
fi

if want 5; then
    echo
    echo "5. C coverage of an extension: time to find, wall seconds (seeds: $SEEDS; cap $CAP s)"
    printf '   %-40s %-32s %6s %6s\n' "case, extension" runs median max
    for case in cases/fuzz_ext_magic_bytewise.py cases/fuzz_ext_magic_memcmp.py; do
        [ -e "$case" ] || continue
        for how in instrumented plain; do
            times=()
            for seed in $SEEDS; do
                if [ $how = plain ]; then
                    times+=("$(find_time "$case" "$seed" LEAKCHECK_EXT_DIR="$PLAIN_EXT")")
                else
                    times+=("$(find_time "$case" "$seed")")
                fi
            done
            printf '   %-40s %-32s %s\n' "$(basename "$case" .py), $how" "${times[*]}" "$(summary "${times[@]}")"
        done
    done
    echo "   instrumented: $BUILD/tests/ext (clang, ASan, -fsanitize=fuzzer-no-link);"
    echo "   plain: $PLAIN_EXT (the normal build, no coverage)"
fi
