#!/bin/bash
# deb_check.sh - the Debian package CPack makes.
#
#   deb_check.sh BUILD SRC WORK
#
# Runs `cpack -G DEB` on BUILD's CPackConfig.cmake into WORK, checks the
# package's name, its Depends on libpython3.11 and that it holds exactly the
# files `cmake --install` installs (under /usr), unpacks it with dpkg -x
# into WORK/root and runs the unpacked program from there on one leaking and
# one clean case.
set -euo pipefail
build=$1 src=$2 work=$3
fail() { echo "deb_check: $*" >&2; exit 1; }

rm -rf "$work"
mkdir -p "$work"
version=$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' \
    "$build/CPackConfig.cmake")
[ -n "$version" ] || fail "no CPACK_PACKAGE_VERSION in $build/CPackConfig.cmake"
arch=$(dpkg --print-architecture)
(cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work") \
    >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; fail "cpack failed"; }
deb=$work/leakcheck_${version}_${arch}.deb
[ -f "$deb" ] || { ls "$work"; fail "no $(basename "$deb")"; }
echo "deb_check: $(basename "$deb"), $(stat -c %s "$deb") bytes"

depends=$(dpkg-deb -f "$deb" Depends)
grep -q 'libpython3\.11' <<<"$depends" || fail "Depends: $depends"
[ "$(dpkg-deb -f "$deb" Package)" = leakcheck ] || fail "package name"

# The same files as an install under /usr.
DESTDIR=$work/inst cmake --install "$build" --prefix /usr >/dev/null
(cd "$work/inst" && find . ! -type d | sort) >"$work/install.list"
dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { print $6 }' | sort >"$work/deb.list"
diff -u "$work/install.list" "$work/deb.list" ||
    fail "the package and the install differ"
for f in ./usr/bin/leakcheck ./usr/share/man/man1/leakcheck.1 \
         ./usr/share/leakcheck/report.schema.json; do
    grep -qx "$f" "$work/deb.list" || fail "$f not in the package"
done
# The .pc file in the package is relocatable: unpacked anywhere, it names
# the program beside it (installed, /usr/bin/leakcheck).
got=$(PKG_CONFIG_PATH=$work/inst/usr/share/pkgconfig pkg-config --variable=leakcheck leakcheck | sed 's/\\ / /g')
[ "$(realpath "$got")" = "$(realpath "$work/inst/usr/bin/leakcheck")" ] ||
    fail "the .pc file names $got"

# Unpacked anywhere, the program runs (it re-executes itself through
# /proc/self/exe for its workers).
dpkg -x "$deb" "$work/root"
"$work/root/usr/bin/leakcheck" run --no-explain -j 2 \
    "$src/tests/cases/planted/planted_one_object_leak.py" \
    "$src/tests/cases/planted/planted_one_object_clean.py" \
    >"$work/run.log" 2>&1 || { cat "$work/run.log"; fail "run failed"; }
cat "$work/run.log"
grep -q '^2 cases: 1 clean, 1 leak, .* 2 as expected, 0 not' "$work/run.log" ||
    fail "not one leak and one clean as expected"
echo "deb_check: ok"
