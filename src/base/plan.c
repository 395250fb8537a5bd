#include "plan.h"

#include <string.h>

void lc_plan_opts_default(struct lc_plan_opts *o, long iterations,
                          unsigned deciding)
{
    memset(o, 0, sizeof(*o));
    o->nsignals = LC_SIG_COUNT;
    o->min_clean = LC_PLAN_MIN_CLEAN;
    o->keep_ratio = LC_PLAN_KEEP_RATIO;
    for (int s = 0; s < LC_SIG_COUNT; s++) {
        const struct lc_signal_info *info = lc_signal_info(s);
        struct lc_plan_signal *sig = &o->sig[s];

        sig->decides = (deciding >> s) & 1u;
        if (info->costly)
            o->sparse |= 1u << s;
        sig->min_rate = info->min_rate;
        sig->max_horizon = iterations;
        if (info->max_horizon > 0 && sig->max_horizon > info->max_horizon)
            sig->max_horizon = info->max_horizon;
    }
}

/* Readings are taken every iteration up to this horizon, then 16 per
 * doubling, so the cost of readings (a full collection each) stays
 * logarithmic in the iterations run. */
#define DENSE_HORIZON 32

static long step_for(long horizon)
{
    return horizon <= DENSE_HORIZON ? 1 : horizon / DENSE_HORIZON;
}

static long next_horizon(long h, long max)
{
    return h >= max ? max : (2 * h < max ? 2 * h : max);
}

size_t lc_plan_capacity(long max_horizon)
{
    long t = 0, h = LC_PLAN_FIRST_HORIZON;
    size_t n = 1;

    if (max_horizon < h)
        h = max_horizon > 0 ? max_horizon : 1;
    for (;;) {
        t = t + step_for(h) < h ? t + step_for(h) : h;
        n++;
        if (t == h) {
            if (h >= max_horizon)
                return n;
            h = next_horizon(h, max_horizon);
        }
    }
}

void lc_plan_init(struct lc_plan *p, const struct lc_plan_opts *o,
                  long *t_store, int64_t *level_store, size_t cap)
{
    memset(p, 0, sizeof(*p));
    p->o = *o;
    if (p->o.nsignals > LC_PLAN_SIGNALS_MAX)
        p->o.nsignals = LC_PLAN_SIGNALS_MAX;
    p->cap = cap;
    p->t = t_store;
    p->levels = level_store;
    for (int s = 0; s < p->o.nsignals; s++)
        if (p->o.sig[s].decides && p->o.sig[s].max_horizon > p->max_horizon)
            p->max_horizon = p->o.sig[s].max_horizon;
    if (p->max_horizon < 1)
        p->max_horizon = 1;
    p->horizon = p->max_horizon < LC_PLAN_FIRST_HORIZON
                     ? p->max_horizon
                     : LC_PLAN_FIRST_HORIZON;
}

long lc_plan_next(const struct lc_plan *p)
{
    long t;

    if (p->done || p->n >= p->cap)
        return -1;
    if (p->n == 0)
        return 0;
    t = p->t[p->n - 1] + step_for(p->horizon);
    return t < p->horizon ? t : p->horizon;
}

static enum lc_trend_state judge_signal(struct lc_plan *p, int s, size_t i0)
{
    const struct lc_plan_signal *sig = &p->o.sig[s];
    const int64_t *lv = p->levels + (size_t)s * p->cap;
    struct lc_trend_opts opts = {.batch = 1, .min_rate = 0};
    enum lc_trend_state prev = p->state[s];
    double prev_rate = p->last[s].per_iter;
    struct lc_trend *tr = &p->last[s];
    long span = p->t[p->n - 1] - p->t[i0];
    bool rose_before = (p->rose >> s) & 1u;

    p->rose &= ~(1u << s);
    lc_trend_classify(lv + i0, p->n - i0, &opts, tr);
    tr->per_iter = span > 0 ? (double)tr->total / (double)span : 0;
    /* total and per_iter come from the window's two ends alone, which a
     * sparse signal always reads: so FLAT here is exact for it too */
    if (tr->per_iter <= 0 || tr->per_iter < sig->min_rate)
        return LC_TREND_FLAT;
    if ((p->carried >> s) & 1u) {
        /* it rose over a window read at its edges only: undecided; after
         * two such windows in a row, read at every reading from now on (a
         * cache that fills once, its one rise, stays sparse) */
        if (rose_before)
            p->dense |= 1u << s;
        p->rose |= 1u << s;
        return LC_TREND_STEP;
    }
    if (tr->floor_gap <= 0)
        return tr->mk_z > LC_TREND_MK_Z ? LC_TREND_STEP : LC_TREND_FLAT;
    if (!tr->leak || tr->mk_z <= LC_TREND_MK_Z)
        return LC_TREND_STEP;
    if ((prev == LC_TREND_GROWING || prev == LC_TREND_SLOWING) &&
        tr->per_iter < p->o.keep_ratio * prev_rate)
        return LC_TREND_SLOWING;
    return LC_TREND_GROWING;
}

static void decide(struct lc_plan *p, bool leak, enum lc_plan_reason why,
                   unsigned leaking)
{
    p->done = true;
    p->leak = leak;
    p->reason = why;
    p->leaking = leaking;
    for (int s = 0; s < p->o.nsignals; s++)
        p->last[s].leak = (leaking >> s) & 1u;
}

static unsigned growing_mask(const struct lc_plan *p)
{
    unsigned m = 0;

    for (int s = 0; s < p->o.nsignals; s++)
        if (p->o.sig[s].decides && p->state[s] == LC_TREND_GROWING)
            m |= 1u << s;
    return m;
}

static void judge(struct lc_plan *p)
{
    long h = p->horizon;
    size_t i0 = 0;
    unsigned leaking = 0, certain = 0;
    bool all_flat = true;

    if (p->judged_at > 0)
        while (i0 + 1 < p->n && p->t[i0] < h / 2)
            i0++;
    for (int s = 0; s < p->o.nsignals; s++) {
        p->state[s] = judge_signal(p, s, i0);
        if (!p->o.sig[s].decides)
            continue;
        p->run[s] = p->state[s] == LC_TREND_GROWING ? p->run[s] + 1 : 0;
        if (p->state[s] == LC_TREND_GROWING && p->detected_at[s] == 0)
            p->detected_at[s] = h;
        if (p->state[s] == LC_TREND_GROWING && h >= p->o.sig[s].max_horizon)
            leaking |= 1u << s;
        else if (p->o.certain > 0 && h >= p->o.certain &&
                 p->run[s] >= LC_PLAN_CERTAIN_RUN)
            certain |= 1u << s;
        if (p->state[s] != LC_TREND_FLAT)
            all_flat = false;
    }
    p->judged_at = h;
    p->carried = 0;
    /* A leak names every deciding signal growing now, not only the ones
     * that reached their horizon first (descriptors decide early; the
     * blocks of their file objects grow too). */
    if (leaking)
        decide(p, true, LC_PLAN_KEPT_GROWING, leaking | growing_mask(p));
    else if (certain)
        decide(p, true, LC_PLAN_CERTAIN, certain | growing_mask(p));
    else if (all_flat && h >= p->o.min_clean)
        decide(p, false, LC_PLAN_FLAT, 0);
    else if (h >= p->max_horizon)
        decide(p, false, LC_PLAN_BOUND, 0);
    else
        p->horizon = next_horizon(h, p->max_horizon);
}

bool lc_plan_reads(const struct lc_plan *p, int s, long t)
{
    long h = p->horizon, nh = next_horizon(h, p->max_horizon), prev;

    if (!((p->o.sparse >> s) & 1u) || ((p->dense >> s) & 1u) || p->n == 0 ||
        t >= h)
        return true;
    if (!p->o.sparse_to_end && s < p->o.nsignals &&
        nh >= p->o.sig[s].max_horizon)
        return true;
    /* the first reading of this judgement's window, or of the next one's
     * when the horizon is capped (next_horizon / 2 < h) */
    prev = p->t[p->n - 1];
    return (p->judged_at > 0 && prev < h / 2 && t >= h / 2) ||
           (prev < nh / 2 && t >= nh / 2);
}

void lc_plan_add(struct lc_plan *p, long t, const int64_t *levels)
{
    lc_plan_add_carried(p, t, levels, 0);
}

void lc_plan_add_carried(struct lc_plan *p, long t, const int64_t *levels,
                         unsigned carried)
{
    if (p->done || p->n >= p->cap)
        return;
    p->carried |= carried & p->o.sparse;
    p->t[p->n] = t;
    for (int s = 0; s < p->o.nsignals; s++)
        p->levels[(size_t)s * p->cap + p->n] = levels[s];
    p->n++;
    if (t >= p->horizon)
        judge(p);
}

void lc_plan_stop(struct lc_plan *p)
{
    unsigned growing, certain = 0;

    if (p->done)
        return;
    if (p->judged_at == 0) {
        decide(p, false, LC_PLAN_TOO_SLOW, 0);
        return;
    }
    growing = growing_mask(p);
    for (int s = 0; s < p->o.nsignals; s++)
        if (((growing >> s) & 1u) && p->run[s] >= LC_PLAN_CERTAIN_RUN)
            certain |= 1u << s;
    if (certain)
        decide(p, true, LC_PLAN_TIME_GROWING, growing);
    else
        decide(p, false, growing ? LC_PLAN_TIME_UNSURE : LC_PLAN_TIME, 0);
}

LC_NAMES_DEFINE(lc_plan_reason, enum lc_plan_reason, LC_PLAN_REASON_COUNT,
                LC_PLAN_REASON_MAP)
