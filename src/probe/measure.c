#include "measure.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "embed.h"
#include "errors.h"
#include "probes.h"

_Static_assert(LC_SIG_COUNT <= LC_PLAN_SIGNALS_MAX,
               "the plan judges every signal of signals.h");

int lc_measure_init(struct lc_measure *m, long max_horizon)
{
    memset(m, 0, sizeof(*m));
    m->cap = lc_plan_capacity(max_horizon);
    m->t = calloc(m->cap, sizeof(*m->t));
    m->levels = calloc(m->cap * LC_SIG_COUNT, sizeof(*m->levels));
    m->domains = calloc(m->cap, sizeof(*m->domains));
    if (!m->t || !m->levels || !m->domains) {
        lc_measure_release(m);
        return -LC_ENOMEM;
    }
    return 0;
}

void lc_measure_settle(void)
{
    lc_embed_clear_internal_caches();
    if (lc_embed_gc_enabled())
        lc_embed_collect();
}

void lc_measure_read(struct lc_sample *out, unsigned mask)
{
    lc_measure_settle();
    lc_probes_read(out, mask);
}

/* The signals to read at the next reading, at iteration t: the deciding
 * ones, less the costly ones (signals.h) while another deciding signal was
 * growing at the last judgement (that one carries the verdict; the costly
 * one keeps its last level until it may matter again), and less the
 * sparse ones the plan does not need at t (lc_plan_reads), which go in
 * *sparse_skip. */
static unsigned to_read(const struct lc_plan *p, unsigned deciding, long t,
                        unsigned *sparse_skip)
{
    unsigned cheap_growing = 0, costly = 0, mask;

    *sparse_skip = 0;
    for (int s = 0; s < p->o.nsignals; s++) {
        if (!((deciding >> s) & 1u))
            continue;
        if (lc_signal_info(s)->costly)
            costly |= 1u << s;
        else if (p->judged_at > 0 && p->state[s] == LC_TREND_GROWING)
            cheap_growing |= 1u << s;
    }
    mask = cheap_growing && p->n > 0 ? deciding & ~costly : deciding;
    for (int s = 0; s < p->o.nsignals; s++)
        if (((mask >> s) & 1u) && !lc_plan_reads(p, s, t))
            *sparse_skip |= 1u << s;
    return mask & ~*sparse_skip;
}

/* Levels of the signals not read keep the previous reading's. */
static void keep_levels(const struct lc_plan *p, unsigned read,
                        struct lc_sample *s)
{
    for (int k = 0; k < p->o.nsignals; k++)
        if (!((read >> k) & 1u) && p->n > 0)
            s->v[k] = p->levels[(size_t)k * p->cap + p->n - 1];
}

int lc_measure_run(struct lc_measure *m, const struct lc_plan_opts *o,
                   int (*call)(void *ctx), void *ctx, double time_s)
{
    double deadline = lc_clock_now() + time_s;
    struct lc_plan *plan = &m->plan;
    long done = 0, next;
    unsigned mask = 0;

    lc_plan_init(plan, o, m->t, m->levels, m->cap);
    m->calls = 0;
    for (int s = 0; s < o->nsignals; s++)
        mask |= o->sig[s].decides ? 1u << s : 0;
    while ((next = lc_plan_next(plan)) >= 0) {
        struct lc_sample s;
        unsigned read, skip;
        int rc;

        for (; done < next; done++) {
            m->calls++;
            if ((rc = call(ctx)) != 0)
                return rc;
        }
        read = to_read(plan, mask, next, &skip);
        lc_measure_read(&s, read);
        keep_levels(plan, read, &s);
        /* the same counters the reading took: nothing allocated since */
        if (plan->n < m->cap)
            lc_alloc_read(&m->domains[plan->n]);
        lc_plan_add_carried(plan, next, s.v, skip);
        if (!plan->done && lc_clock_now() > deadline)
            lc_plan_stop(plan);
    }
    return 0;
}

bool lc_measure_domains(const struct lc_measure *m,
                        struct lc_domain_growth out[LC_DOMAIN_COUNT])
{
    const struct lc_plan *p = &m->plan;
    size_t i0 = 0, i1 = 0;
    long span;

    memset(out, 0, LC_DOMAIN_COUNT * sizeof(*out));
    if (p->judged_at <= 0 || p->n < 2 || !m->domains)
        return false;
    /* the readings judge() looked at last: [H/2, H], or all of them at the
     * first horizon */
    while (i1 + 1 < p->n && p->t[i1 + 1] <= p->judged_at)
        i1++;
    if (p->judged_at > LC_PLAN_FIRST_HORIZON)
        while (i0 + 1 < i1 && p->t[i0] < p->judged_at / 2)
            i0++;
    span = p->t[i1] - p->t[i0];
    if (span <= 0)
        return false;
    for (int d = 0; d < LC_DOMAIN_COUNT; d++) {
        out[d].blocks =
            (double)(m->domains[i1].blocks[d] - m->domains[i0].blocks[d]) /
            (double)span;
        out[d].bytes =
            (double)(m->domains[i1].bytes[d] - m->domains[i0].bytes[d]) /
            (double)span;
    }
    return true;
}

void lc_measure_release(struct lc_measure *m)
{
    free(m->t);
    free(m->levels);
    free(m->domains);
    m->t = NULL;
    m->levels = NULL;
    m->domains = NULL;
    m->cap = 0;
}
