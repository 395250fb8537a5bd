#include "verdict.h"

#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "errors.h"
#include "measure.h"
#include "plan.h"
#include "probes.h"
#include "session.h"

struct run_ctx {
    struct lc_script *script;
    struct lc_result *r;
};

/* One iteration of the measured loop. */
static int call_run(void *ctx)
{
    struct run_ctx *rc = ctx;

    rc->r->iterations++;
    return lc_script_call(rc->script, LC_ENTRY_RUN, rc->r->message,
                          sizeof(rc->r->message));
}

/* run() raised MemoryError under the case's cap: a leak when the case had
 * grown by a quarter of the cap since setup(), else one allocation that
 * does not fit (an error). Reads without a collection: memory is short. */
static void judge_cap(const struct lc_case *c, const struct lc_sample *base,
                      struct lc_result *r)
{
    int64_t cap = (int64_t)c->memory_mib << 20, grew = 0;
    struct lc_sample now;

    lc_probes_read(&now, LC_SIG_CHEAP);
    grew = (now.v[LC_SIG_PY_BYTES] - base->v[LC_SIG_PY_BYTES]) +
           (now.v[LC_SIG_NATIVE] - base->v[LC_SIG_NATIVE]);
    if (c->memory_mib <= 0 || grew * 4 < cap) {
        char tb[LC_MSG_MAX];
        size_t room, len;
        int n;

        memcpy(tb, r->message, sizeof(tb));
        n = snprintf(r->message, sizeof(r->message),
                     "MemoryError under the memory cap of %ld MiB, with %lld "
                     "MiB grown since setup(): one allocation too large, not "
                     "growth (memory= or --memory raises the cap)\n",
                     c->memory_mib, (long long)(grew >> 20));
        /* The traceback's end (its last line) is what must stay. */
        room = sizeof(r->message) - (size_t)n - 1;
        len = strlen(tb);
        memcpy(r->message + n, tb + (len > room ? len - room : 0),
               len > room ? room : len);
        r->message[(size_t)n + (len > room ? room : len)] = '\0';
        r->verdict = LC_VERDICT_ERROR;
        r->phase = LC_PHASE_RUN;
        return;
    }
    r->verdict = LC_VERDICT_LEAK;
    r->phase = LC_PHASE_NONE;
    r->reason = LC_PLAN_MEMORY_CAP;
    for (int s = 0; s < LC_SIG_COUNT; s++) {
        int64_t d = now.v[s] - base->v[s];

        if (!(LC_SIG_MEMORY & (1u << s)) || d <= 0 ||
            (double)d / (double)r->iterations <
                lc_signal_info((enum lc_signal)s)->min_rate)
            continue;
        r->leaking |= 1u << s;
        r->trend[s].total = d;
        r->trend[s].per_iter = (double)d / (double)r->iterations;
        r->state[s] = LC_TREND_GROWING;
    }
    snprintf(r->message, sizeof(r->message),
             "grew by %lld MiB in %ld iterations into the memory cap of %ld "
             "MiB (memory= or --memory sets it)",
             (long long)(grew >> 20), r->iterations, c->memory_mib);
}

/* Warm-up, then the measured loop; 0 or -1 with r's error set. */
static int judge(const struct lc_case *c, struct lc_script *script,
                 struct lc_measure *m, struct lc_result *r)
{
    struct run_ctx ctx = {script, r};
    struct lc_plan_opts po;
    struct lc_sample base;
    int rc = 0;

    lc_probes_read(&base, LC_SIG_CHEAP);
    for (long i = 0; i < c->warmup && rc == 0; i++)
        rc = call_run(&ctx);
    lc_plan_opts_default(&po, c->iterations, c->signals);
    if (rc == 0)
        rc = lc_measure_run(m, &po, call_run, &ctx, c->time_s);
    if (rc == -LC_ENOMEM) {
        r->measured = m->plan.n ? m->plan.t[m->plan.n - 1] : 0;
        judge_cap(c, &base, r);
        return 0;
    }
    if (rc)
        return -1;
    lc_result_take_plan(r, &m->plan, "raise time= or make run() cheaper");
    r->domains_measured = lc_measure_domains(m, r->domains);
    return 0;
}

void lc_verdict_run(const struct lc_case *c, int progress_fd,
                    struct lc_result *r)
{
    struct lc_embed_opts eo = {.hooks = true};
    struct lc_script *script = NULL;
    struct lc_measure m;
    enum lc_phase phase;
    double t0 = lc_clock_now();

    memset(r, 0, sizeof(*r));
    r->magic = LC_RESULT_MAGIC;
    r->verdict = LC_VERDICT_ERROR;
    /* The plan's storage, before anything runs. */
    if (lc_measure_init(&m, c->iterations) < 0) {
        lc_result_fail(r, LC_VERDICT_ERROR, LC_PHASE_WORKER,
                       "out of memory for the readings of %ld iterations",
                       c->iterations);
        goto out;
    }
    if (lc_session_open(&eo, c->path, progress_fd, &script, &phase, r->message,
                        sizeof(r->message))) {
        r->phase = phase;
        goto out_release;
    }
    lc_session_mark(progress_fd, LC_PHASE_RUN);
    if (judge(c, script, &m, r)) {
        r->verdict = LC_VERDICT_ERROR;
        r->phase = LC_PHASE_RUN;
        goto out_script;
    }
    /* After the memory cap, teardown() would meet it too: not called. */
    if (r->verdict == LC_VERDICT_ERROR || r->reason == LC_PLAN_MEMORY_CAP)
        goto out_script;
    r->gc_enabled = lc_embed_gc_enabled();
    lc_session_mark(progress_fd, LC_PHASE_TEARDOWN);
    if (lc_script_call(script, LC_ENTRY_TEARDOWN, r->message,
                       sizeof(r->message))) {
        r->verdict = LC_VERDICT_ERROR;
        r->phase = LC_PHASE_TEARDOWN;
    }
out_script:
    lc_script_free(script);
out_release:
    lc_measure_release(&m);
out:
    r->elapsed_s = lc_clock_now() - t0;
}
