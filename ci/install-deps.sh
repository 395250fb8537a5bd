#!/usr/bin/env bash
# install-deps.sh - install the Debian packages leakcheck builds and tests with.
#
# Idempotent: installs only what is missing, so a second run does nothing
# and needs no network. Runs apt-get update first when something is missing.
# Root is needed only when something is missing.
set -euo pipefail

packages=(
    build-essential cmake pkg-config make
    clang-14 libclang-rt-14-dev llvm-14   # libFuzzer, ASan and its symbolizer
    python3.11 python3.11-dev             # Debian's interpreter: the one we embed
    libcriterion-dev                      # unit tests
    libunwind-dev libdw-dev               # explain: native allocation sites (src/probe/native.h)
    valgrind                              # bench/: exact instruction counts
    clang-format                          # the `format` test (.clang-format)
    graphviz                              # explain: the holder graphs as SVG
    libxml2-utils                         # tests: xmllint checks the JUnit XML
    python3-jsonschema                    # tests: the JSON report's schema
    python3-yaml                          # tests: the CI examples in ci/ parse
    python3-ujson                         # cases/ujson_*.py: real leaks of a Debian C extension
    python3-msgpack                       # cases/msgpack_*.py: real leaks of a Debian C extension
    man-db groff-base                     # tests: `man -l` reads doc/leakcheck.1
    python3-pytest                        # leakcheck pytest, in the embedded interpreter
    libpython3.11-testsuite               # leakcheck unittest test.*: CPython's own tests
    chromium                              # tests: the HTML report in a headless browser
)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all ${#packages[@]} packages present"
    exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
