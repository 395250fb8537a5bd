#include "result.h"

#include <stdarg.h>
#include <stdio.h>

#include "names.h"

LC_NAMES_DEFINE(lc_verdict, enum lc_verdict, LC_VERDICT_COUNT, LC_VERDICT_MAP)
LC_NAMES_DEFINE(lc_phase, enum lc_phase, LC_PHASE_COUNT, LC_PHASE_MAP)

void lc_result_fail(struct lc_result *r, enum lc_verdict v, enum lc_phase p,
                    const char *fmt, ...)
{
    va_list ap;

    r->magic = LC_RESULT_MAGIC;
    r->verdict = v;
    r->phase = p;
    va_start(ap, fmt);
    vsnprintf(r->message, sizeof(r->message), fmt, ap);
    va_end(ap);
}

/* The plan's readings and the window its last judgement looked at. */
static void take_readings(struct lc_readings *rd, const struct lc_plan *plan)
{
    size_t n = plan->n < LC_READINGS_MAX ? plan->n : LC_READINGS_MAX;
    long h = plan->judged_at;

    rd->n = (long)n;
    for (size_t i = 0; i < n; i++)
        rd->t[i] = plan->t[i];
    for (int s = 0; s < LC_SIG_COUNT && s < plan->o.nsignals; s++) {
        for (size_t i = 0; i < n; i++)
            rd->v[s][i] = plan->levels[(size_t)s * plan->cap + i];
        rd->horizon[s] = plan->o.sig[s].max_horizon;
    }
    rd->window_to = h;
    rd->window_from = h <= LC_PLAN_FIRST_HORIZON ? 0 : h / 2;
}

void lc_result_take_plan(struct lc_result *r, const struct lc_plan *plan,
                         const char *advice)
{
    take_readings(&r->readings, plan);
    r->verdict = plan->leak ? LC_VERDICT_LEAK : LC_VERDICT_CLEAN;
    r->leaking = plan->leaking;
    r->reason = plan->reason;
    r->measured = plan->n ? plan->t[plan->n - 1] : 0;
    for (int s = 0; s < LC_SIG_COUNT; s++) {
        r->trend[s] = plan->last[s];
        r->state[s] = plan->state[s];
        r->detected_at[s] = plan->detected_at[s];
    }
    if (plan->reason == LC_PLAN_TOO_SLOW)
        lc_result_fail(r, LC_VERDICT_TIMEOUT, LC_PHASE_RUN,
                       "the time bound passed after %ld measured "
                       "iterations, before the first judgement at %d: %s",
                       r->measured, LC_PLAN_FIRST_HORIZON, advice);
    if (plan->reason == LC_PLAN_TIME_UNSURE) {
        int s = 0, run = 0;

        for (int k = 0; k < LC_SIG_COUNT && k < plan->o.nsignals; k++)
            if (plan->o.sig[k].decides && plan->state[k] == LC_TREND_GROWING &&
                plan->run[k] > run) {
                s = k;
                run = plan->run[k];
            }
        lc_result_fail(r, LC_VERDICT_TIMEOUT, LC_PHASE_RUN,
                       "undecided: the time bound passed after %ld measured "
                       "iterations with %s growing at %d judgement%s in a "
                       "row, fewer than the %d a leak needs (a cache may "
                       "still be filling): %s",
                       r->measured, lc_signal_name(s), run,
                       run == 1 ? "" : "s", LC_PLAN_CERTAIN_RUN, advice);
    }
}
