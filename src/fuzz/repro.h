/*
 * repro.h - turn a leak fuzzer finding into a regression case.
 *
 *   leakcheck repro CASE ARTIFACT [-o OUT] [--minimize] [--force]
 *                   [--finding LINE]
 *
 * CASE is the case build-fuzz/fuzz_scenario fuzzed (it defines fuzz(data));
 * ARTIFACT the input libFuzzer saved when the leak oracle stopped it
 * (crash-<sha1>). With --finding LINE (what `leakcheck fuzz` passes: the
 * finding's signature), the docstring also says which leak it is and, for
 * one made inside a C extension, the C function and what it keeps.
 * The new case, `expect=leak`, holds the input as a Python
 * bytes literal and, in run(), feeds it to the original case's fuzz(),
 * loaded by path with importlib (a path relative to the new file, so both
 * can move together); setup() and teardown() call the original's. Its
 * docstring and `source=` name where it came from: the case, the artifact
 * file, the date. From then on `leakcheck run` checks that input on every
 * run; when the leak is fixed, expect=leak flips to expect=clean.
 *
 * OUT defaults to CASE's folder, named <case>_<artifact>.py without the
 * case's "fuzz_" prefix (only fuzzable cases carry it) and with the
 * artifact name cut to its first 8 hash digits
 * (cases/magic_header_crash_d00949ab.py); an existing file is never
 * overwritten without --force. --minimize first runs the fuzzer's own
 * crash minimizer on the artifact
 *   LEAKCHECK_CASE=CASE FUZZER -minimize_crash=1 -runs=RUNS \
 *       -exact_artifact_path=TMP ARTIFACT
 * (FUZZER from --fuzzer, $LEAKCHECK_FUZZER or build-fuzz/fuzz_scenario)
 * and writes the smallest input that still leaks.
 *
 * Exit status: 0 written; 1 the minimizer found no leaking input; 2 bad
 * command line, unreadable case or artifact, OUT exists, or the write
 * failed. The command is src/cmd/repro.c; this module writes the text.
 *
 * No Python here: the input is copied as bytes, the case is only read.
 */
#ifndef LC_REPRO_H
#define LC_REPRO_H

#include "lc_limits.h"

#include <stddef.h>
#include <stdio.h>

/* Runs the minimizer this many times by default (-runs). */
#define LC_REPRO_MINIMIZE_RUNS 2000

/* What a regression case is made of. Plain value; strings are borrowed. */
struct lc_repro_case {
    const char *case_path;     /* the fuzzed case, as given (for the text) */
    const char *case_rel;      /* the fuzzed case, relative to the new file's
                                  folder (for the loader) */
    const char *artifact;      /* the artifact's file name */
    size_t original_size;      /* the artifact's size when the input was
                                  minimized from it; 0 when it is the input */
    const char *date;          /* YYYY-MM-DD */
    const unsigned char *data; /* the input */
    size_t size;               /* its length in bytes */
    const char *finding;       /* the finding's signature line (campaign.h),
                                  or NULL: told in the docstring, with the
                                  C function that leaks and what it keeps
                                  when the line has a C site */
};

/* Write the case file's text to f. Returns 0 or -LC_EIO. */
int lc_repro_write_case(FILE *f, const struct lc_repro_case *rc);

/* The last component of path. */
const char *lc_repro_base_name(const char *path);

#endif
