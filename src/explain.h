/*
 * explain.h - why a case grows: what grew, where it was allocated, who holds
 * it, in a pass of its own.
 *
 * The explanation never changes a verdict's figures: it runs in a separate
 * worker process, after the verdict, with tracemalloc and gc.get_objects()
 * (expensive, and allocating) confined to it. The analysis is Python
 * (src/explain.py, built into the program); this module starts it, runs the
 * case's iterations between its begin() and finish(), measures the native
 * heap around them, and hands back two texts: a JSON object and a report for
 * people.
 *
 */
#ifndef LC_EXPLAIN_H
#define LC_EXPLAIN_H

#include <stddef.h>

#include "case.h"
#include "result.h"

struct lc_explain_opts {
    long iterations;      /* run() calls between the two snapshots */
    int depth;            /* frames per allocation traceback */
    const char *dot_path; /* DOT file of the holder chains, or NULL */
};

#define LC_EXPLAIN_DEFAULT_ITERATIONS 100
#define LC_EXPLAIN_DEFAULT_DEPTH 8
/* Wall time for one explain pass: warm-up, iterations, and the holder search
 * (which bounds itself at 10 s). */
#define LC_EXPLAIN_TIMEOUT_S 120.0

/* What the explain pass is told of the verdict. */
struct lc_explain_job {
    const char *path;      /* the case file */
    long warmup;           /* the case's warm-up iterations */
    long iterations;       /* run() calls between the two snapshots */
    int depth;             /* frames per allocation traceback */
    const char *dot_path;  /* DOT file of the holder chains, or NULL */
    unsigned growing;      /* bit (1 << enum lc_signal) per signal the
                              verdict found growing */
    double per_iter[LC_SIG_COUNT]; /* growth per iteration of each signal,
                                      as the verdict measured it */
};

/* Run the explain pass in this process: start the interpreter with the
 * counting hooks, load the case, setup(), the analysis, teardown(). Returns
 * 0 with *json and *text set to malloc'd NUL-terminated strings the caller
 * frees, also when the pass itself failed (then both say where and why,
 * json as {"error": ...}); -LC_ENOMEM when nothing could be made. */
int lc_explain_run(const struct lc_explain_job *job, char **json, char **text);

#endif
