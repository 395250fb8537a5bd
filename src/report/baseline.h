/*
 * baseline.h - known leaks: `--baseline FILE` lets a project adopt
 * leakcheck with leaks it already has, failing only on new ones.
 *
 * FILE is a previous JSON report or journal (every case or test whose
 * verdict there is leak is known), or a text file of case paths and test
 * ids, one per line ('#' starts a comment line; blank lines are ignored).
 * A case is known when its test id (its path, for a case file) is listed,
 * by the same text or, for paths, the same file. Then:
 *
 *   a known leak is as expected ("known": reported, not failing);
 *   a known case that is clean now is as expected too, and reported
 *   "fixed" (time to drop it from the baseline);
 *   a leak that is not listed fails as any unexpected leak does.
 */
#ifndef LC_BASELINE_H
#define LC_BASELINE_H

#include <stddef.h>

#include "buf.h"
#include "case.h"

struct lc_baseline {
    struct lc_buf keys; /* NUL-terminated ids and paths, one after another */
    size_t n;           /* keys held */
};

/* Read path into b (which the caller lc_baseline_release()s, also on
 * error). 0, or -LC_EINPUT / -LC_EIO with err naming the file (and the
 * line) and what is wrong. */
int lc_baseline_read(const char *path, struct lc_baseline *b, char *err,
                     size_t errlen);

/* Mark each case LC_BASELINE_KNOWN or LC_BASELINE_NEW. */
void lc_baseline_mark(const struct lc_baseline *b, struct lc_case *cases,
                      size_t n);

void lc_baseline_release(struct lc_baseline *b);

#endif
