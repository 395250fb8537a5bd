#!/bin/bash
# consumer_check.sh - leakcheck as another project's dependency.
#
#   consumer_check.sh BUILD SRC WORK
#
# Installs BUILD into WORK/prefix, moves the prefix (the CMake package must
# be relocatable), checks what landed there (the program, the manual, the
# schema, the .pc file), then configures tests/consumer/ against it with
# -DCMAKE_PREFIX_PATH, builds its extension and runs its `ctest -L
# leakcheck`: 2 tests must run and pass.
set -euo pipefail
build=$1 src=$2 work=$3
fail() { echo "consumer_check: $*" >&2; exit 1; }

rm -rf "$work"
mkdir -p "$work"
cmake --install "$build" --prefix "$work/staged" >"$work/install.log"
mv "$work/staged" "$work/prefix"
p=$work/prefix

for f in bin/leakcheck share/man/man1/leakcheck.1 \
         share/leakcheck/report.schema.json share/pkgconfig/leakcheck.pc \
         lib/cmake/leakcheck/leakcheckConfig.cmake \
         lib/cmake/leakcheck/leakcheckConfigVersion.cmake \
         lib/cmake/leakcheck/LeakcheckCases.cmake; do
    [ -e "$p/$f" ] || fail "$f not installed"
done
"$p/bin/leakcheck" --help | grep -q '^usage: leakcheck run' ||
    fail "installed program does not print its usage"

# The .pc file is relocatable: it names the moved prefix (${pcfiledir};
# pkg-config writes a space in it as "\ ", for a shell; and splits a .pc
# file's path given as an argument at spaces, so it is found by name).
pc=$p/share/pkgconfig/leakcheck.pc
grep -q '^prefix=${pcfiledir}/' "$pc" || fail "the .pc file's prefix: $(grep '^prefix=' "$pc")"
got=$(PKG_CONFIG_PATH=$p/share/pkgconfig pkg-config --variable=leakcheck leakcheck | sed 's/\\ / /g')
[ "$(realpath "$got")" = "$(realpath "$p/bin/leakcheck")" ] || fail "pkg-config leakcheck=$got"
got=$(PKG_CONFIG_PATH=$p/share/pkgconfig pkg-config --variable=prefix leakcheck | sed 's/\\ / /g')
[ "$(realpath "$got")" = "$(realpath "$p")" ] || fail "pkg-config prefix=$got"
got=$(PKG_CONFIG_PATH=$p/share/pkgconfig pkg-config --variable=bindir leakcheck | sed 's/\\ / /g')
[ "$(realpath "$got")" = "$(realpath "$p/bin")" ] || fail "pkg-config bindir=$got"
PKG_CONFIG_PATH=$p/share/pkgconfig pkg-config --modversion leakcheck | grep -qx '[0-9]*\.[0-9]*\.[0-9]*' ||
    fail "no version in $pc"

# The manual renders, with no warning from groff.
out=$(MANWIDTH=80 man -l "$p/share/man/man1/leakcheck.1" 2>&1) ||
    fail "man -l failed: $out"
grep -q 'EXIT STATUS' <<<"$out" || fail "man -l shows no EXIT STATUS"
warn=$(groff -man -Tutf8 -ww -z "$p/share/man/man1/leakcheck.1" 2>&1)
[ -z "$warn" ] || fail "groff warns: $warn"

# A project finds it and gets one test per case.
cmake -S "$src/tests/consumer" -B "$work/consumer" \
    -DCMAKE_PREFIX_PATH="$p" >"$work/consumer-configure.log" ||
    { cat "$work/consumer-configure.log"; fail "consumer configure failed"; }
grep -q "leakcheck 0.1.0: $p/bin/leakcheck" "$work/consumer-configure.log" ||
    fail "consumer did not find the moved prefix's program"
cmake --build "$work/consumer" >"$work/consumer-build.log" ||
    { cat "$work/consumer-build.log"; fail "consumer build failed"; }
(cd "$work/consumer" && ctest -L leakcheck -j 2 --output-on-failure) \
    >"$work/consumer-ctest.log" 2>&1 ||
    { cat "$work/consumer-ctest.log"; fail "consumer ctest failed"; }
cat "$work/consumer-ctest.log"
grep -q '100% tests passed, 0 tests failed out of 2$' \
    "$work/consumer-ctest.log" || fail "not 2 tests run and passed"
# Each test is labelled leakcheck and with its expected verdict.
(cd "$work/consumer" && ctest -N -L '^leak$') | grep -q 'Total Tests: 1' ||
    fail "no single test labelled leak"
(cd "$work/consumer" && ctest -N -L '^clean$') | grep -q 'Total Tests: 1' ||
    fail "no single test labelled clean"
echo "consumer_check: ok"
