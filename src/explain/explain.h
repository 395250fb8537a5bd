/*
 * explain.h - why a case grows: what grew, where it was allocated, who holds
 * it, in a pass of its own.
 *
 * The explanation never changes a verdict's figures: it runs in a separate
 * worker process, after the verdict, with tracemalloc and gc.get_objects()
 * (expensive, and allocating) confined to it. The analysis is a Python
 * package (src/explain/, its modules built into the program): this module
 * installs it in the interpreter as the importable package
 * `_leakcheck_explain`, each module compiled as
 * "<leakcheck>/explain/<name>.py" with its source registered in linecache
 * (tracebacks from explain's own code show their lines), loads the case,
 * calls setup(), hands the case to the package's one entry point,
 * _leakcheck_explain.entry.run() (which owns the warm-up, the iterations
 * and every default), and calls teardown(). It hands back two texts: a JSON
 * object (its fields in src/explain/explain.schema.json) and a report for
 * people.
 *
 * A suite's test (suite.h) is explained the same way through a subject:
 * instead of loading a case file, the suite adapter opens a session over
 * the test, runs it once (its first run), and hands over the test's module
 * and the callable that repeats it, the verdict's own repetition; the
 * pass then does exactly what it does for a case.
 *
 * The runner starts it as an explain job of a worker (worker.h, wire.h),
 * with the verdict's growth per iteration: the native heap's figure is the
 * verdict's, since the pass cannot measure it (tracemalloc's own tables are
 * native memory).
 */
#ifndef LC_EXPLAIN_H
#define LC_EXPLAIN_H

#include <stddef.h>

#include "case.h"
#include "result.h"
#include "signals.h"

/* What the explain pass is told of the verdict. */
struct lc_explain_job {
    const char *path;     /* the case file */
    long warmup;          /* the case's warm-up iterations */
    long iterations;      /* run() calls between the two snapshots */
    int depth;            /* frames per allocation traceback */
    const char *dot_path; /* DOT file of the holder chains, or NULL */
    unsigned growing;     /* bit (1 << enum lc_signal) per signal the verdict
                             found growing */
    double per_iter[LC_SIG_COUNT]; /* growth per iteration of each signal, as
                                      the verdict measured it (native heap
                                      included), in the signal's unit */
    int progress_fd; /* phases announced there (worker.h), or -1 */
};

/* Run the explain pass in this process: start the interpreter with the
 * counting hooks, load the case, setup(), the analysis, teardown(). Returns
 * 0 with *json and *text set to malloc'd NUL-terminated strings the caller
 * frees, also when the pass itself failed (then both say where and why,
 * json as {"error": ...}); -LC_ENOMEM when nothing could be made. Starts
 * the interpreter, so at most once per process. */
int lc_explain_run(const struct lc_explain_job *job, char **json, char **text);

/* What the pass explains when it is no case file: a suite's test. open()
 * runs once the interpreter has started and hands back, as new
 * references, the module whose names the report uses and the callable
 * that is one iteration (struct _object is PyObject: this header is no
 * Python door); 0, or -1 with err filled and *phase naming what failed.
 * close() ends it (teardown): 0, or -1 with err filled. */
struct _object; /* PyObject */

struct lc_explain_subject {
    const char *test; /* its id, named in the report */
    int (*open)(void *ctx, struct _object **module, struct _object **step,
                const char **phase, char *err, size_t errlen);
    int (*close)(void *ctx, char *err, size_t errlen);
    void *ctx;
};

/* lc_explain_run on a subject instead of job->path's case (job->path
 * still names its file): the same pass, the same two texts. */
int lc_explain_run_subject(const struct lc_explain_job *job,
                           const struct lc_explain_subject *subject,
                           char **json, char **text);

#endif
