#!/bin/bash -eu
# Build every fuzz target the way OSS-Fuzz and ClusterFuzzLite build them:
# the compiler, its flags and the fuzzing engine come from the environment,
# the outputs go to $OUT.
#
#   CC        the compiler                 (default clang)
#   CFLAGS    sanitizers and coverage      (default ASan + UBSan +
#                                           -fsanitize=fuzzer-no-link)
#   LIB_FUZZING_ENGINE  link flags of the engine (default -fsanitize=fuzzer)
#   OUT       where the targets land       (default ./build-fuzz)
#   WORK      scratch space for the build  (default $OUT/work)
#   SRC_DIR   the source tree              (default: this script's repo)
#
# $OUT receives, for each target in corpus/README.md:
#   <target>                      the fuzzer
#   <target>_seed_corpus.zip      corpus/<target>/ zipped
#   <target>.dict, <target>.options   when corpus/ has them
# The leak fuzzer is installed once per fuzzable case, as
# fuzz_scenario_<name> for cases/fuzz_<name>.py (it finds its case in
# $OUT/cases/ by its own name), plus the generic fuzz_scenario, which
# needs LEAKCHECK_CASE.
#
# The programs embed Debian's CPython 3.11: the machine that runs them
# needs /usr/lib/python3.11 and libpython3.11 (an OSS-Fuzz base-runner
# image does not have them; a ClusterFuzzLite Dockerfile on Debian
# bookworm with python3.11-dev does).

SRC=${SRC_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
CC=${CC:-clang}
CFLAGS=${CFLAGS:--O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=undefined}
LIB_FUZZING_ENGINE=${LIB_FUZZING_ENGINE:--fsanitize=fuzzer}
OUT=${OUT:-$PWD/build-fuzz}
WORK=${WORK:-$OUT/work}
PYTHON=${LEAKCHECK_PYTHON:-/usr/bin/python3.11}
TARGETS="fuzz_scenario fuzz_case_header fuzz_trend fuzz_report"

mkdir -p "$OUT" "$WORK"
OUT=$(cd "$OUT" && pwd)
WORK=$(cd "$WORK" && pwd)

# CMAKE_BUILD_TYPE=None: no -O2/-DNDEBUG of our own on top of $CFLAGS.
cmake -S "$SRC" -B "$WORK/cmake" \
    -DCMAKE_C_COMPILER="$CC" \
    -DCMAKE_C_FLAGS="$CFLAGS" \
    -DCMAKE_BUILD_TYPE=None \
    -DLIB_FUZZING_ENGINE="$LIB_FUZZING_ENGINE" \
    -DLEAKCHECK_FUZZ=ON \
    -DLEAKCHECK_TESTS=OFF \
    -DLEAKCHECK_BENCH=OFF \
    -DPython3_EXECUTABLE="$PYTHON"
cmake --build "$WORK/cmake" -j"$(nproc)" --target $TARGETS leakcheck _lcleaky

# Zip with the interpreter we build against: no dependency on zip(1).
zip_folder() { # zip_folder FOLDER ZIP
    (cd "$1" && find . -maxdepth 1 -type f ! -name '.*' -printf '%P\n' |
        sort | xargs -r "$PYTHON" -m zipfile -c "$2")
}

install_target() { # install_target BINARY NAME
    cp "$WORK/cmake/$1" "$OUT/$2"
    if [ -d "$SRC/corpus/$2" ]; then
        rm -f "$OUT/$2_seed_corpus.zip"
        zip_folder "$SRC/corpus/$2" "$OUT/$2_seed_corpus.zip"
    fi
    for ext in dict options; do
        if [ -f "$SRC/corpus/$2.$ext" ]; then
            cp "$SRC/corpus/$2.$ext" "$OUT/$2.$ext"
        fi
    done
}

for target in $TARGETS; do
    install_target "$target" "$target"
done

# One leak fuzzer per fuzzable case, and the cases it loads.
rm -rf "$OUT/cases"
mkdir -p "$OUT/cases"
cp "$SRC"/cases/*.py "$OUT/cases/"
for case in "$SRC"/cases/fuzz_*.py; do
    [ -e "$case" ] || continue
    name=$(basename "$case" .py)
    install_target fuzz_scenario "fuzz_scenario_${name#fuzz_}"
done

# leakcheck itself, for `leakcheck repro` on what the fuzzers find.
cp "$WORK/cmake/leakcheck" "$OUT/leakcheck"

# The test extension, built with $CFLAGS (ASan and -fsanitize=fuzzer-no-link
# by default: libFuzzer sees its edges, doc/fuzz-c-extensions.md), where
# cases/_lcleaky_path.py looks for it beside the fuzzer: $OUT/tests/ext.
mkdir -p "$OUT/tests/ext"
cp "$WORK/cmake/tests/ext/"_lcleaky*.so "$OUT/tests/ext/"

echo "build-fuzz.sh: targets in $OUT:"
(cd "$OUT" && ls -1 fuzz_* | grep -v '\.' | sed 's/^/  /')
