/*
 * runner.h - run many cases, each in a worker process of its own.
 *
 * A crash, an exit or a hang of one case never takes the others down: each
 * case runs in a fresh process (this program re-executed with the hidden
 * "__worker" command, worker.h), which gets its job and sends its result
 * back as framed, checked records (wire.h); bytes on the result channel
 * that are not one whole record are a crash, never a verdict. The
 * runner keeps up to `jobs` workers going, kills one that passes its case's
 * timeout (verdict "timeout"), and turns a worker that died or exited without
 * a result into verdict "crash", with the tail of its stderr as the message.
 *
 * When asked, a case's verdict is followed by the explain pass (explain.h)
 * in another fresh process; its failure never changes the verdict, it
 * only becomes the explanation's text. The passes wait in one queue and
 * start in the first free slot, before the next verdict job, so that the
 * leaks of one span (a suite's slice: each of its tests that wants one
 * gets a process of its own, queued as soon as its result comes, while
 * the span goes on; a clean test costs nothing) are explained on every
 * slot. A case, or span, is done (on_done) once its verdict job and its
 * last pass ended.
 *
 * Workers run with glibc's thread cache off (probes.h) and stdin/stdout on
 * /dev/null. No Python in this process.
 */
#ifndef LC_RUNNER_H
#define LC_RUNNER_H

#include <stddef.h>

#include "case.h"
#include "job.h"
#include "result.h"

struct lc_job;

enum lc_explain_when {
    LC_EXPLAIN_NONE,  /* verdicts only */
    LC_EXPLAIN_LEAKS, /* explain every case judged a leak */
    LC_EXPLAIN_JUDGED /* explain every case judged leak or clean */
};

struct lc_runner_opts {
    int jobs;             /* workers at once, 1..LC_JOBS_MAX */
    const char *self_exe; /* the leakcheck program to re-execute */
    enum lc_explain_when explain;
    struct lc_explain_opts explain_opts; /* dot_path: a folder here, each
                                            case's DOT file goes in it */
    double explain_timeout_s;            /* wall time for one explain pass */
    /* Clock time (clock.h) after which no explain pass starts: those
     * waiting then get LC_EXPLAIN_OVER_BUDGET as their text (--budget);
     * 0, none. */
    double explain_until;
    /* Called as a job for case index is made, after its case is copied
     * in: a verdict job's kind may change, and any job's suite fields be
     * filled (suite.h; an explain job's, for the test it explains).
     * A case with span > 1 is judged with the span - 1 after it by one
     * worker that answers a RESULT record for each, in order; those it
     * never answered get the worker's failure. May be NULL. */
    void (*make_job)(void *ctx, size_t index, struct lc_job *job);
    /* Called in the runner as each case starts and ends; may be NULL. */
    void (*on_start)(void *ctx, size_t index);
    void (*on_done)(void *ctx, size_t index);
    void *ctx;
};

/* The explain text of a leak whose pass had not started when
 * explain_until passed. */
#define LC_EXPLAIN_OVER_BUDGET                                                \
    "explanation not started: --budget was spent (leakcheck explain ID "      \
    "explains one test alone)"

/* Run cases[0..n) into results[0..n). SIGINT, SIGTERM and SIGHUP stop
 * the run: every worker's tree is killed, the cases it ran and those never
 * started get verdict "error" in phase "interrupted" (reported through
 * on_done like the others), and -LC_EINTR is returned;
 * lc_runner_interrupted() then names the signal. Cases whose result already
 * has a magic (a header error found by the caller) are not run but still
 * reported through on_done. A worker that cannot be started gives its case
 * verdict "crash". Returns 0, -LC_ENOMEM, or -LC_ESPAWN if poll() fails. */
int lc_runner_run(const struct lc_case *cases, struct lc_result *results,
                  size_t n, const struct lc_runner_opts *opts);

/* The signal that stopped the last run, or 0. */
int lc_runner_interrupted(void);

#endif
