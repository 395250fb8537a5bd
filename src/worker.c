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

/* Collect (unless the case turned the collector off), then read. */
static void sample(struct lc_sample *out)
{
    if (lc_embed_gc_enabled())
        lc_embed_collect();
    lc_probes_read(out);
}

/* Run n iterations, reading after each into s[1..n] (s[0] is already read).
 * Returns 0 or the error of run(). */
static int measure(struct lc_script *script, struct lc_sample *s, long n,
                   struct lc_result *r)
{
    for (long i = 1; i <= n; i++) {
        int rc = lc_script_call(script, LC_ENTRY_RUN, r->message,
                                sizeof(r->message));

        r->iterations++;
        if (rc)
            return rc;
        sample(&s[i]);
        r->measured++;
    }
    return 0;
}

/* Judge s[0..n] per signal; returns the mask of leaking signals. */
static unsigned judge(const struct lc_case *c, const struct lc_sample *s,
                      long n, int64_t *levels, struct lc_result *r)
{
    unsigned leaking = 0;

    for (int sig = 0; sig < LC_SIG_COUNT; sig++) {
        struct lc_trend_opts opts = {
            .batch = 1,
            .min_rate = sig == LC_SIG_NATIVE ? NATIVE_MIN_RATE : 0.0,
        };

        for (long i = 0; i <= n; i++)
            levels[i] = s[i].v[sig];
        lc_trend_classify(levels, (size_t)n + 1, &opts, &r->trend[sig]);
        if (r->trend[sig].leak && (c->signals & (1u << sig)))
            leaking |= 1u << sig;
    }
    return leaking;
}

void lc_worker_run(const struct lc_case *c, struct lc_result *r)
{
    struct lc_embed_opts eo = {.hooks = true};
    struct lc_script *script = NULL;
    struct lc_sample *samples = NULL;
    int64_t *levels = NULL;
    long w1 = c->iterations / 3, w2 = c->iterations - w1;
    double t0 = now_s();

    memset(r, 0, sizeof(*r));
    r->magic = LC_RESULT_MAGIC;
    r->verdict = LC_VERDICT_CLEAN;

    /* Storage for the longer window's readings, before anything runs. */
    samples = calloc((size_t)w2 + 1, sizeof(*samples));
    levels = calloc((size_t)w2 + 1, sizeof(*levels));
    if (!samples || !levels) {
        set_error(r, "worker");
        snprintf(r->message, sizeof(r->message), "out of memory for %ld "
                 "samples", w2 + 1);
        goto out_free;
    }
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

    sample(&samples[0]);
    if (measure(script, samples, w1, r)) {
        set_error(r, "run");
        goto out_script;
    }
    r->leaking = judge(c, samples, w1, levels, r);
    if (r->leaking) {
        samples[0] = samples[w1];
        if (measure(script, samples, w2, r)) {
            set_error(r, "run");
            goto out_script;
        }
        r->leaking = judge(c, samples, w2, levels, r);
    }
    r->verdict = r->leaking ? LC_VERDICT_LEAK : LC_VERDICT_CLEAN;
    r->gc_enabled = lc_embed_gc_enabled();

    if (lc_script_call(script, LC_ENTRY_TEARDOWN, r->message,
                       sizeof(r->message)))
        set_error(r, "teardown");
out_script:
    lc_script_free(script);
out_free:
    free(levels);
    free(samples);
    r->elapsed_s = now_s() - t0;
}
