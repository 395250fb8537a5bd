#!/bin/bash -eu
# ClusterFuzzLite's build script: the repository's own ci/build-fuzz.sh
# builds every fuzz target into $OUT with the compiler, CFLAGS and
# LIB_FUZZING_ENGINE ClusterFuzzLite sets (clang-14 on Debian 12 when
# they are not set).
export CC=${CC:-clang-14}
export SRC_DIR=$SRC/leakcheck
bash "$SRC_DIR/ci/build-fuzz.sh"
