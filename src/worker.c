#include "worker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "embed.h"
#include "probes.h"

/* Below this many bytes per iteration the native heap is noise: glibc's own
 * bookkeeping moves by a few words as arenas and bins change. */
#define NATIVE_MIN_RATE 32.0

/* Descriptors and threads are scarce: a pool of them fills within tens of
 * iterations, and a leak of one per iteration must be stopped well before
 * the process runs out (ulimit -n is often 1024). */
#define SCARCE_MAX_HORIZON 128

/* Fewest measured iterations before a clean verdict. A leak every P
 * iterations shows in the latest half's thirds once H/6 > P: 64 catches
 * one object every 10 iterations (32 missed it). */
#define MIN_CLEAN_HORIZON 64

/* A growth rate below this share of the previous half's is slowing down:
 * a structure filling ever more slowly (asyncio's per-loop caches). */
#define KEEP_RATIO 0.6

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void set_error(struct lc_result *r, const char *phase)
{
    r->verdict = LC_VERDICT_ERROR;
    snprintf(r->phase, sizeof(r->phase), "%s", phase);
}

/* Clear the interpreter's own type cache, collect (unless the case turned
 * the collector off), then read. */
static void sample(struct lc_sample *out)
{
    lc_embed_clear_internal_caches();
    if (lc_embed_gc_enabled())
        lc_embed_collect();
    lc_probes_read(out);
}

static void plan_opts(const struct lc_case *c, struct lc_plan_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->nsignals = LC_SIG_COUNT;
    o->min_clean = MIN_CLEAN_HORIZON;
    o->keep_ratio = KEEP_RATIO;
    for (int s = 0; s < LC_SIG_COUNT; s++) {
        struct lc_plan_signal *sig = &o->sig[s];

        sig->decides = (c->signals >> s) & 1u;
        sig->min_rate = s == LC_SIG_NATIVE ? NATIVE_MIN_RATE : 0.0;
        sig->max_horizon = c->iterations;
        if ((s == LC_SIG_FDS || s == LC_SIG_THREADS) &&
            sig->max_horizon > SCARCE_MAX_HORIZON)
            sig->max_horizon = SCARCE_MAX_HORIZON;
    }
}

/* Follow the plan; returns 0 or the error of run(). */
static int measure(const struct lc_case *c, struct lc_script *script,
                   struct lc_plan *plan, struct lc_result *r)
{
    double deadline = now_s() + c->time_s;
    long done = 0, next;

    while ((next = lc_plan_next(plan)) >= 0) {
        struct lc_sample s;

        while (done < next) {
            if (lc_script_call(script, LC_ENTRY_RUN, r->message,
                               sizeof(r->message)))
                return -1;
            done++;
            r->iterations++;
        }
        sample(&s);
        lc_plan_add(plan, next, s.v);
        r->measured = done;
        if (!plan->done && now_s() > deadline)
            lc_plan_stop(plan);
    }
    return 0;
}

static void take_plan(const struct lc_plan *plan, struct lc_result *r)
{
    r->verdict = plan->leak ? LC_VERDICT_LEAK : LC_VERDICT_CLEAN;
    r->leaking = plan->leaking;
    r->reason = plan->reason;
    for (int s = 0; s < LC_SIG_COUNT; s++) {
        r->trend[s] = plan->last[s];
        r->state[s] = plan->state[s];
        r->detected_at[s] = plan->detected_at[s];
    }
    if (plan->reason == LC_PLAN_TOO_SLOW) {
        r->verdict = LC_VERDICT_TIMEOUT;
        snprintf(r->phase, sizeof(r->phase), "run");
        snprintf(r->message, sizeof(r->message),
                 "the time bound passed after %ld measured iterations, "
                 "before the first judgement at %d: raise time= or make "
                 "run() cheaper",
                 r->measured, LC_PLAN_FIRST_HORIZON);
    }
}

void lc_worker_run(const struct lc_case *c, struct lc_result *r)
{
    struct lc_embed_opts eo = {.hooks = true};
    struct lc_plan_opts po;
    struct lc_plan plan;
    struct lc_script *script = NULL;
    size_t cap = lc_plan_capacity(c->iterations);
    long *t_store = NULL;
    int64_t *level_store = NULL;
    double t0 = now_s();

    memset(r, 0, sizeof(*r));
    r->magic = LC_RESULT_MAGIC;
    r->verdict = LC_VERDICT_CLEAN;

    /* The plan's storage, before anything runs. */
    t_store = calloc(cap, sizeof(*t_store));
    level_store = calloc(cap * LC_SIG_COUNT, sizeof(*level_store));
    if (!t_store || !level_store) {
        set_error(r, "worker");
        snprintf(r->message, sizeof(r->message),
                 "out of memory for %zu readings", cap);
        goto out_free;
    }
    plan_opts(c, &po);
    lc_plan_init(&plan, &po, t_store, level_store, cap);

    if (lc_embed_start(&eo, r->message, sizeof(r->message))) {
        set_error(r, "worker");
        goto out_free;
    }
    if (lc_script_load(c->path, &script, r->message, sizeof(r->message))) {
        set_error(r, "load");
        goto out_free;
    }
    if (lc_script_call(script, LC_ENTRY_SETUP, r->message,
                       sizeof(r->message))) {
        set_error(r, "setup");
        goto out_script;
    }
    for (long i = 0; i < c->warmup; i++) {
        r->iterations++;
        if (lc_script_call(script, LC_ENTRY_RUN, r->message,
                           sizeof(r->message))) {
            set_error(r, "run");
            goto out_script;
        }
    }
    if (measure(c, script, &plan, r)) {
        set_error(r, "run");
        goto out_script;
    }
    take_plan(&plan, r);
    r->gc_enabled = lc_embed_gc_enabled();

    if (lc_script_call(script, LC_ENTRY_TEARDOWN, r->message,
                       sizeof(r->message)))
        set_error(r, "teardown");
out_script:
    lc_script_free(script);
out_free:
    free(level_store);
    free(t_store);
    r->elapsed_s = now_s() - t0;
}
