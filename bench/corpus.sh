#!/usr/bin/env bash
# corpus.sh - verdicts, detection speed and wall time on the whole corpus,
# next to CPython's own refleak hunter (python3.11d -m test -R 3:3).
#
#   bash bench/corpus.sh BUILD_DIR [--install-dbg]
#
# 1. leakcheck: `BUILD_DIR/leakcheck run --no-explain -j $(nproc) --format json
#    cases/`, three times. Per case: expected verdict, verdict in each run,
#    iterations, median elapsed_s, and for leak cases the measured iterations
#    at which growth was first seen (cases[].signals.<sig>.detected_at, the
#    minimum over the signals that leaked; the goal is <= 10 for
#    planted_one_object_leak.py). Then precision and recall for "leak" pooled
#    over the three runs, the cases wrong in any run, and the total wall time
#    of each run and their median.
# 2. regrtest: every case wrapped in a unittest module of its own
#    (bench/regrtest_wrap.py gen: setup() once at import, one test calling
#    run() once, which regrtest -R repeats) and run with
#    `python3.11d -m test --testdir DIR -R 3:3 -j $(nproc)`, three times (one
#    if the first run takes over REGRTEST_BUDGET seconds). A case counts as a
#    regrtest leak when it prints "leaked [..] references / memory blocks /
#    file descriptors". Precision, recall and wall time as above, and the ratio
#    of leakcheck's median total wall time to regrtest's.
#
# Needs /usr/bin/python3.11d (Debian python3.11-dbg). With --install-dbg the
# script installs it with apt-get when missing (that may upgrade python3.11 to
# the same Debian revision); without it, and without python3.11d, part 2 is
# skipped with a message. The script prints figures and never fails on one:
# exit 0, or 1 when something could not run at all. CORPUS_KEEP=DIR keeps the
# JSON reports, regrtest logs and generated tests there. Takes about 1.5
# minutes on 2 cores (plus the install).
set -uo pipefail

PYTHON=/usr/bin/python3.11
PYTHON_DBG=/usr/bin/python3.11d
RUNS=3
REGRTEST_BUDGET=${REGRTEST_BUDGET:-120}   # seconds; over it, one regrtest run
REGRTEST_TIMEOUT=120                      # per test file (regrtest --timeout)

die() {
    echo "corpus: $*" >&2
    exit 1
}

usage="usage: corpus.sh BUILD_DIR [--install-dbg]"
build=""
install_dbg=0
for a in "$@"; do
    case $a in
        --install-dbg) install_dbg=1 ;;
        -h|--help) echo "$usage"; exit 0 ;;
        -*) die "unknown option $a ($usage)" ;;
        *) [ -z "$build" ] || die "$usage"; build=$a ;;
    esac
done
[ -n "$build" ] || die "$usage"

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
cases=$root/cases
wrap=$here/regrtest_wrap.py
lc=$(cd "$build" 2>/dev/null && pwd)/leakcheck
[ -x "$lc" ] || die "$build/leakcheck not found: build first"
[ -x "$PYTHON" ] || die "$PYTHON not found"
jobs=$(nproc)

work=$(mktemp -d /tmp/lc-corpus.XXXXXX)
cleanup() {
    if [ -n "${CORPUS_KEEP:-}" ]; then
        mkdir -p "$CORPUS_KEEP" && cp -r "$work"/. "$CORPUS_KEEP"/
        echo "corpus: kept reports and logs in $CORPUS_KEEP" >&2
    fi
    rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }

# --no-explain: verdicts only. An older build without the option runs as is.
noexplain=(--no-explain)
if ! "$lc" --help 2>&1 | grep -q -- '--no-explain'; then
    noexplain=()
    echo "note: $lc has no --no-explain option; running without it"
fi

echo "leakcheck: $lc"
echo "corpus:    $cases ($(find "$cases" -name '*.py' ! -name '_*' ! -name '.*' | wc -l) files), -j $jobs, $RUNS runs"

# ---------------------------------------------------------------- leakcheck
ours=()
for r in $(seq 1 $RUNS); do
    t0=$(now)
    "$lc" run "${noexplain[@]}" -q -j "$jobs" --format json \
        -o "$work/lc$r.json" "$cases" >"$work/lc$r.log" 2>&1
    rc=$?
    wall=$(since "$t0")
    if [ $rc -ge 2 ] || [ ! -s "$work/lc$r.json" ]; then
        cat "$work/lc$r.log" >&2
        die "leakcheck run $r failed (exit $rc)"
    fi
    echo "leakcheck run $r: ${wall} s (exit $rc)"
    ours+=(--ours "$work/lc$r.json:$wall")
done

# ---------------------------------------------------------------- regrtest
rt=()
note=""
if [ ! -x "$PYTHON_DBG" ] && [ $install_dbg -eq 1 ]; then
    before=$(dpkg-query -W -f='${Version}' python3.11 2>/dev/null)
    echo "installing python3.11-dbg (apt-get) ..."
    sudo_=""
    [ "$(id -u)" -eq 0 ] || sudo_=sudo
    if ! DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -q \
            python3.11-dbg >"$work/apt.log" 2>&1; then
        DEBIAN_FRONTEND=noninteractive $sudo_ apt-get update -q \
            >>"$work/apt.log" 2>&1
        DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -q \
            python3.11-dbg >>"$work/apt.log" 2>&1 ||
            { tail -20 "$work/apt.log" >&2; echo "python3.11-dbg install failed"; }
    fi
    after=$(dpkg-query -W -f='${Version}' python3.11 2>/dev/null)
    echo "python3.11 package: $before -> $after"
fi

if [ ! -x "$PYTHON_DBG" ]; then
    note="skipped: $PYTHON_DBG not found (run with --install-dbg to install python3.11-dbg)"
else
    tests_dir=$work/tests
    mapfile -t tests < <("$PYTHON" "$wrap" gen "$cases" "$tests_dir")
    mkdir -p "$work/rtcwd"          # regrtest writes reflog.txt in its cwd
    rt_opts=(-R 3:3 --timeout "$REGRTEST_TIMEOUT")
    par=(-j "$jobs")
    mode="-j $jobs"
    for r in $(seq 1 $RUNS); do
        log=$work/regrtest$r.log
        t0=$(now)
        (cd "$work/rtcwd" && "$PYTHON_DBG" -m test --testdir "$tests_dir" \
            "${rt_opts[@]}" "${par[@]}" "${tests[@]}") >"$log" 2>&1
        rc=$?
        wall=$(since "$t0")
        if [ ${#par[@]} -gt 0 ] && [ $r -eq 1 ] &&
           grep -qiE 'huntrleaks.*(-j|multiprocess|jobs)|(-j|jobs).*huntrleaks' "$log" &&
           ! grep -q 'test_lc_' "$log"; then
            echo "regrtest refused -R with -j: running serially"
            par=()
            mode="serial (-R refused -j)"
            t0=$(now)
            (cd "$work/rtcwd" && "$PYTHON_DBG" -m test --testdir "$tests_dir" \
                "${rt_opts[@]}" "${tests[@]}") >"$log" 2>&1
            rc=$?
            wall=$(since "$t0")
        fi
        if ! grep -q 'Tests result' "$log"; then
            tail -30 "$log" >&2
            note="regrtest run $r did not finish (exit $rc); see the log above"
            break
        fi
        echo "regrtest run $r: ${wall} s (exit $rc)"
        rt+=(--regrtest "$log:$wall")
        if [ "$(awk -v w="$wall" -v b="$REGRTEST_BUDGET" 'BEGIN{print (w > b)}')" = 1 ]; then
            echo "regrtest run $r took over ${REGRTEST_BUDGET} s: no further runs"
            break
        fi
    done
    dbgver=$("$PYTHON_DBG" -c 'import sys; print(sys.version.split()[0])' 2>/dev/null)
    note="${note:+$note; }$PYTHON_DBG ($dbgver), ${#tests[@]} test files, $mode, --timeout $REGRTEST_TIMEOUT"
fi

"$PYTHON" "$wrap" report --cases "$cases" "${ours[@]}" "${rt[@]}" \
    --regrtest-note "$note" || die "report failed"
