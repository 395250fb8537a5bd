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
#include "signals.h"
#include "trend.h"

enum lc_verdict {
    LC_VERDICT_CLEAN,
    LC_VERDICT_LEAK,
    LC_VERDICT_ERROR,   /* the case raised, or its file is unusable */
    LC_VERDICT_CRASH,   /* the worker died or exited without a result */
    LC_VERDICT_TIMEOUT, /* the worker ran past the case's timeout */
    LC_VERDICT_COUNT
};

#define LC_RESULT_MAGIC 0x4c43524eu /* "LCRN": a whole result arrived */

struct lc_result {
    uint32_t magic;          /* LC_RESULT_MAGIC when filled by a worker */
    enum lc_verdict verdict;
    long iterations;         /* run() calls made, warm-up included */
    long measured;           /* iterations the verdict was judged on */
    double elapsed_s;        /* wall seconds, interpreter start included */
    bool gc_enabled;         /* collector state after the last iteration */
    unsigned leaking;        /* bit (1 << enum lc_signal) per flagged signal */
    enum lc_plan_reason reason;          /* why measuring stopped */
    struct lc_trend trend[LC_SIG_COUNT]; /* evidence of the last judgement */
    enum lc_trend_state state[LC_SIG_COUNT]; /* state at the last judgement */
    long detected_at[LC_SIG_COUNT]; /* measured iterations when first judged
                                       growing; 0 if never */
    char phase[16];          /* where an error happened: header, load,
                                setup, run, teardown, worker */
    char message[LC_MSG_MAX]; /* traceback or error text; "" if none */
    /* Set by the runner, never by a worker (they arrive NULL): the explain
     * pass's JSON object and text, heap copies the caller frees. */
    char *explain_json;
    char *explain_text;
};

const char *lc_verdict_name(enum lc_verdict v);

#endif
