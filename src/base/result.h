/*
 * result.h - what running one case produced: its verdict and the evidence.
 *
 * A plain value, fixed size, so a worker process can hand it whole to the
 * runner through a pipe and reports can read it without Python.
 */
#ifndef LC_RESULT_H
#define LC_RESULT_H

#include <stdbool.h>
#include <stdint.h>

#include "lc_limits.h"
#include "plan.h"
#include "names.h"
#include "signals.h"

/* The verdicts, in report order, with their names in reports. */
#define LC_VERDICT_MAP(X)                                                     \
    X(CLEAN, "clean")                                                         \
    X(LEAK, "leak")                                                           \
    /* the case raised, or its file is unusable */                            \
    X(ERROR, "error")                                                         \
    /* the worker died or exited without a result */                          \
    X(CRASH, "crash")                                                         \
    /* the worker ran past the case's timeout */                              \
    X(TIMEOUT, "timeout")                                                     \
    /* a suite's test that skipped itself (suite.h) */                        \
    X(SKIPPED, "skipped")

enum lc_verdict {
#define LC_VERDICT_ENUM(id, name) LC_VERDICT_##id,
    LC_VERDICT_MAP(LC_VERDICT_ENUM)
#undef LC_VERDICT_ENUM
        LC_VERDICT_COUNT
};

/* Where a case's error happened, with the names reports give them. */
#define LC_PHASE_MAP(X)                                                       \
    X(NONE, "")                                                               \
    X(HEADER, "header") /* its header, read by the runner */                  \
    X(LOAD, "load")     /* importing the file */                              \
    X(SETUP, "setup")                                                         \
    X(RUN, "run")                                                             \
    X(TEARDOWN, "teardown")                                                   \
    X(WORKER, "worker")           /* the worker process itself */             \
    X(INTERRUPTED, "interrupted") /* the run was stopped by a signal */

enum lc_phase {
#define LC_PHASE_ENUM(id, name) LC_PHASE_##id,
    LC_PHASE_MAP(LC_PHASE_ENUM)
#undef LC_PHASE_ENUM
        LC_PHASE_COUNT
};

/* Growth per iteration of one allocator domain (RAW, MEM, OBJ: alloc.h),
 * over the window of the verdict's last judgement: py_blocks and py_bytes
 * split by the allocator that holds them. */
struct lc_domain_growth {
    double blocks; /* live blocks per iteration */
    double bytes;  /* live requested bytes per iteration */
};

/* Every reading the verdict's plan took, as it took them: what the
 * reports plot (the JSON "readings", the HTML charts). */
struct lc_readings {
    long n;                  /* readings kept, <= LC_READINGS_MAX */
    long t[LC_READINGS_MAX]; /* iteration of each, after warm-up */
    int64_t v[LC_SIG_COUNT][LC_READINGS_MAX]; /* level per signal, its unit */
    long horizon[LC_SIG_COUNT]; /* each signal's iteration horizon */
    long window_from;           /* the last judgement's window, iterations */
    long window_to;             /* after warm-up: [from, to]; 0 0: none */
};

#define LC_RESULT_MAGIC 0x4c43524eu /* "LCRN": the result is filled in */

struct lc_result {
    uint32_t magic; /* LC_RESULT_MAGIC when filled by a worker */
    enum lc_verdict verdict;
    long iterations;  /* run() calls made, warm-up included */
    long measured;    /* iterations the verdict was judged on */
    double elapsed_s; /* wall seconds, interpreter start included */
    bool gc_enabled;  /* collector state after the last iteration */
    unsigned leaking; /* bit (1 << enum lc_signal) per flagged signal */
    enum lc_plan_reason reason;          /* why measuring stopped */
    struct lc_trend trend[LC_SIG_COUNT]; /* evidence of the last judgement */
    enum lc_trend_state state[LC_SIG_COUNT]; /* state at the last judgement */
    long detected_at[LC_SIG_COUNT]; /* measured iterations when first judged
                                       growing; 0 if never */
    bool domains_measured;          /* domains[] filled by the measured loop */
    struct lc_domain_growth domains[LC_DOMAIN_COUNT]; /* per domain */
    struct lc_readings readings; /* the plan's readings; n 0 if none */
    enum lc_phase phase;         /* where an error happened; NONE if none */
    char message[LC_MSG_MAX];    /* traceback or error text; "" if none */
    /* Suites (suite.h) only; 0 for a case file. */
    uint32_t id_hash;     /* lc_suite_id_hash of the test judged */
    unsigned suite_flags; /* LC_SUITE_SCREENED, _NOT_REPEATABLE, ... */
    long screen_tests;    /* screened: tests in the group run together */
    long screen_runs;     /* screened: the group's measured runs */
    /* Set by the runner, never by a worker (they arrive NULL): the explain
     * pass's JSON object and text, heap copies the caller frees. */
    char *explain_json;
    char *explain_text;
};

/* Names as the tables give them, and back (names.h); the phase name of
 * LC_PHASE_NONE is "". */
LC_NAMES_DECLARE(lc_verdict, enum lc_verdict)
LC_NAMES_DECLARE(lc_phase, enum lc_phase)

/* The verdict and evidence of a decided plan into r; a plan stopped by
 * time before its first judgement is a timeout whose message ends with
 * advice (how to give it more time). */
void lc_result_take_plan(struct lc_result *r, const struct lc_plan *plan,
                         const char *advice);

/* Make r an error of the phase, message formatted like printf. */
void lc_result_fail(struct lc_result *r, enum lc_verdict v, enum lc_phase p,
                    const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
