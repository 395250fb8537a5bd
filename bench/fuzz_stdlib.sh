#!/bin/bash -u
# fuzz_stdlib.sh - leak fuzzing campaigns on the standard library's parsers.
#
#   bash bench/fuzz_stdlib.sh [OUT]      OUT defaults to build-fuzz/stdlib
#
# Runs `leakcheck fuzz` for STDLIB_TIME seconds (default 30) on every
# cases/fuzz_stdlib_*.py (json, pickle, marshal, plistlib, xml.etree over
# expat, struct, zlib, binascii, email), one after the other, one job each,
# cases to OUT/<name>/. Prints one line per campaign (inputs, exec/s, new
# leaks, cases written, other findings) and then each finding's signature.
# Triage is a person's job: doc/fuzz-stdlib.md holds the last one. Never
# fails on a figure (STYLE.md); exits 1 only when leakcheck fuzz itself
# could not run. Settings: STDLIB_TIME=30, STDLIB_CASES="json pickle ...",
# LEAKCHECK=build/leakcheck, FUZZER (default: leakcheck fuzz finds it).

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${1:-$REPO/build-fuzz/stdlib}
TIME=${STDLIB_TIME:-30}
LEAKCHECK=${LEAKCHECK:-$REPO/build/leakcheck}
cd "$REPO"
fuzzer=()
[ -n "${FUZZER:-}" ] && fuzzer=(--fuzzer "$FUZZER")
names=${STDLIB_CASES:-$(ls cases/fuzz_stdlib_*.py | sed 's/.*fuzz_stdlib_//; s/\.py$//')}

echo "stdlib leak campaigns: $TIME s each, 1 job, $(nproc) cores (shared), $(date -u +%F)"
printf '  %-12s %10s %8s %6s %6s %6s\n' parser inputs exec/s leaks cases other
failed=0
for name in $names; do
    dir=$OUT/$name
    rm -rf "$dir"
    mkdir -p "$dir"
    "$LEAKCHECK" fuzz "cases/fuzz_stdlib_$name.py" --time "$TIME" -o "$dir" \
        "${fuzzer[@]}" >"$dir.summary" 2>"$dir.log" || failed=1
    inputs=$(sed -n 's/^leakcheck fuzz: .*: \([0-9]*\) inputs (\([0-9]*\)\/s).*/\1 \2/p' "$dir.summary")
    leaks=$(sed -n 's/^\([0-9]*\) new leaks\{0,1\}, \([0-9]*\) case.*/\1 \2/p' "$dir.summary")
    other=$(sed -n 's/^\([0-9]*\) other finding.*/\1/p' "$dir.summary")
    set -- ${inputs:-? ?} ${leaks:-? ?}
    printf '  %-12s %10s %8s %6s %6s %6s\n' "$name" "$1" "$2" "$3" "$4" "${other:-0}"
done
echo
for name in $names; do
    grep -E '^  [0-9a-f]{8} |^    |^[0-9]+ other' "$OUT/$name.summary" | sed "s/^/  $name: /"
done
exit $failed
