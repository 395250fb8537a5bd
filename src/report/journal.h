/*
 * journal.h - a run's results as JSON Lines, and reading results back.
 *
 * `leakcheck run --journal FILE` writes one line per case as the case ends,
 * flushed at once: the object the JSON report's "cases" array holds
 * (report.h). A runner killed outright (SIGKILL, a lost machine) leaves
 * every finished case behind in it.
 *
 * `leakcheck report` reads journals and JSON reports alike (a report is
 * one object with "cases"; a journal one such object per line) back into
 * cases and results, to render them in any format or to join the reports
 * of shards into one.
 */
#ifndef LC_JOURNAL_H
#define LC_JOURNAL_H

#include <stdio.h>

#include "buf.h"
#include "case.h"
#include "result.h"

/* Append one case's line to the journal and flush it. 0 or -LC_EIO. */
int lc_journal_write(FILE *f, const struct lc_case *c,
                     const struct lc_result *r);

/* Read the journal or JSON report at path; append to cases (struct
 * lc_case) and results (struct lc_result, whose explain_json and
 * explain_text are heap strings the caller frees). 0, or -LC_EINPUT with
 * err naming the file, the line and what is wrong, or -LC_EIO. */
int lc_journal_read(const char *path, struct lc_buf *cases,
                    struct lc_buf *results, char *err, size_t errlen);

#endif
