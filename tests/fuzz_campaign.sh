#!/bin/sh
# fuzz_campaign: `leakcheck fuzz` on a case that leaks two distinct ways
# (cases/fuzz_two_leaks.py) for a few seconds must write two cases, one per
# leak, and `leakcheck run` must judge each one a leak.
#
#   tests/fuzz_campaign.sh LEAKCHECK FUZZER REPO WORKDIR
#
# FUZZER is the leak fuzzer the fuzz_build test made (clang, libFuzzer):
# without it this test fails, saying so.
set -u
LEAKCHECK=$1 FUZZER=$2 REPO=$3 WORK=$4
TIME=${FUZZ_CAMPAIGN_TIME:-20}

if [ ! -x "$FUZZER" ]; then
    echo "fuzz_campaign: no leak fuzzer at $FUZZER: the fuzz_build test" \
        "builds it with clang-14 and libclang-rt-14-dev (ci/install-deps.sh)" >&2
    exit 1
fi
rm -rf "$WORK"
mkdir -p "$WORK"
"$LEAKCHECK" fuzz "$REPO/cases/fuzz_two_leaks.py" --time "$TIME" \
    --minimize-time 3 -o "$WORK/out" --fuzzer "$FUZZER" >"$WORK/summary.txt" 2>&1
rc=$?
cat "$WORK/summary.txt"
if [ $rc -ne 0 ]; then
    echo "fuzz_campaign: leakcheck fuzz exited $rc" >&2
    exit 1
fi
n=$(ls "$WORK/out"/*.py 2>/dev/null | wc -l)
if [ "$n" -ne 2 ]; then
    echo "fuzz_campaign: want 2 cases (one per leak), got $n:" >&2
    ls -la "$WORK/out" >&2
    exit 1
fi
for f in "$WORK/out"/*.py; do
    if ! grep -q '^# leakcheck: expect=leak' "$f"; then
        echo "fuzz_campaign: $f is not an expect=leak case" >&2
        exit 1
    fi
done
# expect=leak: exit 0 means each was judged a leak.
"$LEAKCHECK" run "$WORK/out" >"$WORK/run.txt" 2>&1
rc=$?
grep -E '^(ok|FAIL)|cases:' "$WORK/run.txt"
if [ $rc -ne 0 ] || [ "$(grep -c '^ok   leak' "$WORK/run.txt")" -ne 2 ]; then
    echo "fuzz_campaign: leakcheck run did not judge both cases leaks (exit $rc)" >&2
    cat "$WORK/run.txt" >&2
    exit 1
fi
echo "fuzz_campaign: 2 distinct leaks, 2 cases, both judged leaks"
