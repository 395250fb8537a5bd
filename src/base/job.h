/*
 * job.h - what the runner and its workers share: the job record, its kinds,
 * the suite and explain options a job carries, the worker's environment.
 *
 * The runner fills a struct lc_job and sends it whole (wire.h, a JOB
 * record); the worker dispatches on its kind (worker.h). Plain values
 * only, no pointers: the record crosses a process boundary.
 */
#ifndef LC_JOB_H
#define LC_JOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "case.h"
#include "hash.h"
#include "lc_limits.h"
#include "names.h"
#include "signals.h"

/* ---- suites (suite.h: the worker's side) ---- */

/* The suite kinds: id, name (the command, and the adapter's module in
 * src/suite/), the option of its own that takes a value (-m for pytest's
 * marks, -u for CPython's test resources), and whether the command needs a
 * target (pytest collects the current folder without one). */
// clang-format off
#define LC_SUITE_KIND_MAP(X)                                                  \
    X(UNITTEST, "unittest", "-u", true)                                       \
    X(PYTEST,   "pytest",   "-m", false)
// clang-format on

enum lc_suite_kind {
#define LC_SUITE_KIND_ENUM(id, name, option, target) LC_SUITE_##id,
    LC_SUITE_KIND_MAP(LC_SUITE_KIND_ENUM)
#undef LC_SUITE_KIND_ENUM
        LC_SUITE_KIND_COUNT
};

/* "unittest", "pytest", and back (names.h). */
LC_NAMES_DECLARE(lc_suite_kind, enum lc_suite_kind)
/* The kind's own valued option, "" for an unknown kind. */
const char *lc_suite_kind_option(enum lc_suite_kind k);
/* Whether the kind's command needs at least one target. */
bool lc_suite_kind_needs_target(enum lc_suite_kind k);

#define LC_SUITE_CLEANUP 1u /* --regrtest-cleanup: a second opinion */

/* Result flags (struct lc_result's suite_flags). */
#define LC_SUITE_SCREENED 1u       /* clean by its group's screen */
#define LC_SUITE_NOT_REPEATABLE 2u /* passed fresh, failed repeated */
#define LC_SUITE_CACHE_HELD 4u     /* a leak regrtest's clearing removes */
#define LC_SUITE_OVER_BUDGET 8u    /* short plan: --budget was spent */
#define LC_SUITE_CONTROL_GREW 16u  /* its control grew: that is not its own */
#define LC_SUITE_DEPENDS 32u       /* grew only after the slice's others */
#define LC_SUITE_CONFIRMED 64u     /* a leak judged again alone: a leak */
/* A leak its worker could not judge again alone (it could not fork): the
 * runner does, in a worker of its own that runs only that test
 * (suitecmd.c). */
#define LC_SUITE_UNCONFIRMED 128u

/* Confirmation alone: the horizon of a leak's second judgement, in a
 * child of its worker or, when that cannot fork, in a worker of its own.
 * The first one saw growth go on through the whole plan; the second asks
 * only whether the growth is there without the other tests, and 256 runs
 * see a leak of one object every 10 runs in every third of the latest
 * half. */
#define LC_SUITE_CONFIRM_RUNS 256

/* Iteration bound of a test judged alone once its slice's share of
 * --budget is spent: the least plan that can call a test clean
 * (LC_PLAN_MIN_CLEAN), so every test still gets a verdict, its strength
 * saying on how many iterations it rests. Iterations, not seconds: the
 * verdict must not depend on how loaded the machine is. */
#define LC_SUITE_SPENT_ITERATIONS 64

/* What a suite job carries besides its case (a plain value). */
struct lc_suite_job {
    enum lc_suite_kind kind;
    unsigned flags;               /* LC_SUITE_CLEANUP */
    long first;                   /* judge: first test of the operand's list */
    long count;                   /* judge: tests from first on */
    size_t argv_len;              /* bytes of argv used */
    char argv[LC_SUITE_ARGV_MAX]; /* NUL-terminated words: the operand,
                                     then -k X, -m X, -u X,
                                     --regrtest-cleanup */
    char out_path[LC_PATH_MAX];   /* collect: the file the list goes to */
    double deadline;              /* judge: lc_clock_now() past which a test
                                     judged alone gets a plan of
                                     LC_SUITE_SPENT_ITERATIONS (--budget);
                                     0: none */
    int lend_pid; /* judge: the runner's pid and the descriptor of its */
    int lend_fd;  /* lending page (lend.h) there; lend_fd -1: none */
    int slot;     /* judge: the runner's slot of this job */
};

/* FNV-1a of a test id: a result names the test it judged by this. */
static inline uint32_t lc_suite_id_hash(const char *id)
{
    return lc_hash_fnv1a(id);
}

/* ---- the explain pass (explain.h: the worker's side) ---- */

struct lc_explain_opts {
    long iterations;      /* run() calls between the two snapshots */
    int depth;            /* frames per allocation traceback */
    const char *dot_path; /* DOT file of the holder chains, or NULL */
};

/* The command line's default depth (src/cmd/runcases.c), which always
 * passes it on: equal to src/explain/entry.py's DEPTH, where the pass's
 * defaults live (tests/explain/test_explain.py checks they agree). Its
 * iterations go as 0 unless given: entry.py's default, ITERATIONS for a
 * case, fitted to the cost of a suite's test. */
#define LC_EXPLAIN_DEFAULT_DEPTH 8
/* Wall time for one explain pass: warm-up, iterations, and the holder search
 * (which bounds itself at 10 s). */
#define LC_EXPLAIN_TIMEOUT_S 120.0

/* ---- the job ---- */

/* The job kinds: id, the worker's function for it (worker.c).
 *   VERDICT        judge the case: one RESULT back (verdict.h)
 *   EXPLAIN        explain it: JSON and TEXT back (explain.h)
 *   SUITE_COLLECT  list a suite's tests (suite.h): one RESULT
 *   SUITE          judge c.span tests of a suite: a RESULT per test */
// clang-format off
#define LC_JOB_MAP(X)                                                         \
    X(VERDICT,       verdict_job)                                             \
    X(EXPLAIN,       explain_job)                                             \
    X(SUITE_COLLECT, suite_collect_job)                                       \
    X(SUITE,         suite_job)
// clang-format on

enum lc_job_kind {
#define LC_JOB_ENUM(id, fn) LC_JOB_##id,
    LC_JOB_MAP(LC_JOB_ENUM)
#undef LC_JOB_ENUM
        LC_JOB_COUNT
};

/* One job for a worker. A plain value, sent whole. */
struct lc_job {
    enum lc_job_kind kind;
    struct lc_case c; /* the case, its header read by the runner */
    /* Explain jobs only. */
    long explain_iterations;    /* run() calls between the snapshots; 0:
                                   entry.py's default */
    int explain_depth;          /* frames per allocation traceback */
    char dot_path[LC_PATH_MAX]; /* DOT file to write; "" for none */
    unsigned growing;           /* bit per signal the verdict found growing */
    double per_iter[LC_SIG_COUNT]; /* the verdict's growth per iteration */
    struct lc_suite_job suite;     /* suite jobs only */
};

/* The environment setting a worker needs for exact native readings. */
#define LC_PROBES_TUNABLES "glibc.malloc.tcache_count=0"

#endif
