/*
 * fuzz_common.h - what every fuzz target shares: the libFuzzer entry points,
 * the input bounds, and whether AddressSanitizer is compiled in.
 *
 * Each harness/fuzz_<target>.c defines LLVMFuzzerTestOneInput (and, when it
 * needs a start-up, LLVMFuzzerInitialize). It links either with libFuzzer
 * (clang -fsanitize=fuzzer, `make fuzz`, ci/build-fuzz.sh) or with
 * harness/replay.c, a plain main() that feeds it every file of its corpus
 * folder (`make test`), so a target that stops building or starts failing on
 * its own seeds is caught by the normal test run.
 */
#ifndef LC_FUZZ_COMMON_H
#define LC_FUZZ_COMMON_H

#include "lc_limits.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Whether AddressSanitizer (and so LeakSanitizer) is in this build. clang
 * says it with __has_feature, gcc with __SANITIZE_ADDRESS__. */
#if defined(__SANITIZE_ADDRESS__)
#define LC_FUZZ_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LC_FUZZ_ASAN 1
#endif
#endif
#ifndef LC_FUZZ_ASAN
#define LC_FUZZ_ASAN 0
#endif

/* A broken invariant is a finding: say which, then abort() so libFuzzer
 * saves the input (and the replay driver's test fails). */
#define LC_FUZZ_CHECK(cond)                                                   \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__,        \
                    __LINE__, #cond);                                         \
            abort();                                                          \
        }                                                                     \
    } while (0)

#endif
