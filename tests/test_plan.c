/*
 * test_plan.c - the adaptive plan of plan.h, driven by simulated series.
 *
 * Each scenario is a level function of the iteration number; the test reads
 * it exactly where the plan asks, as the worker does, and checks the
 * verdict, the reason and how long the plan ran.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "result.h"

typedef int64_t (*level_fn)(long t);

struct outcome {
    bool leak;
    enum lc_plan_reason reason;
    long last_t;      /* iteration of the last reading */
    long detected_at; /* signal 0 */
    size_t readings;
    double per_iter; /* signal 0, last judgement */
};

/* The default policy, cut to signal 0 with this horizon and floor. */
static struct lc_plan_opts one_signal(long max_horizon, double min_rate)
{
    struct lc_plan_opts o;

    lc_plan_opts_default(&o, max_horizon, 1u);
    o.nsignals = 1;
    o.sig[0].min_rate = min_rate;
    return o;
}

static struct outcome drive(const struct lc_plan_opts *o, level_fn fn[],
                            int64_t shift)
{
    long max = 0;
    size_t cap;
    long *ts;
    int64_t *lv;
    struct lc_plan p;
    struct outcome out = {0};
    long t;

    for (int s = 0; s < o->nsignals; s++)
        if (o->sig[s].max_horizon > max)
            max = o->sig[s].max_horizon;
    cap = lc_plan_capacity(max);
    ts = calloc(cap, sizeof(*ts));
    lv = calloc(cap * (size_t)o->nsignals, sizeof(*lv));
    cr_assert(ts && lv);
    lc_plan_init(&p, o, ts, lv, cap);
    while ((t = lc_plan_next(&p)) >= 0) {
        int64_t v[LC_PLAN_SIGNALS_MAX];

        cr_assert_geq(t, out.last_t, "readings go forward");
        for (int s = 0; s < o->nsignals; s++)
            v[s] = fn[s](t) + shift;
        lc_plan_add(&p, t, v);
        out.last_t = t;
    }
    cr_assert(p.done, "the plan decides before its storage runs out");
    out.leak = p.leak;
    out.reason = p.reason;
    out.detected_at = p.detected_at[0];
    out.readings = p.n;
    out.per_iter = p.last[0].per_iter;
    free(ts);
    free(lv);
    return out;
}

static struct outcome run1(level_fn fn, long max, double min_rate)
{
    struct lc_plan_opts o = one_signal(max, min_rate);
    level_fn fns[1] = {fn};

    return drive(&o, fns, 0);
}

/* Scenarios, as levels after t measured iterations. */
/* clang-format off: one scenario a line */
static int64_t flat(long t)
{
    (void)t;
    return 1000;
}
static int64_t one_per_iter(long t)
{
    return t;
}
static int64_t every_third(long t)
{
    return t / 3;
}
static int64_t every_tenth(long t)
{
    return t / 10;
}
static int64_t fill_1000(long t)
{
    return t < 1000 ? t : 1000;
}
static int64_t fill_300(long t)
{
    return 4 * (t < 300 ? t : 300);
}
static int64_t fill_1900(long t)
{
    return t < 1900 ? t : 1900;
}
static int64_t sawtooth_50(long t)
{
    return t % 50;
}
static int64_t log_growth(long t)
{
    return (int64_t)(20 * log1p((double)t));
}
static int64_t warmup_spike(long t)
{
    return t < 3 ? 500 : 0;
}
static int64_t one_step(long t)
{
    return t < 20 ? 0 : 7;
}
static int64_t native_400(long t)
{
    return 400 * t + (t % 7) * 48;
}
static int64_t native_noise(long t)
{
    return 10 * t;
}
/* clang-format on */

/* Bounded noise: a fixed pseudo-random level in [0, 40), seeded. */
static int64_t noise(long t)
{
    uint64_t x = (uint64_t)t * 6364136223846793005ull + 1442695040888963407ull;

    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return (int64_t)(x % 40);
}

/* A leak of one object every iteration plus noise from a reused buffer. */
static int64_t leak_with_noise(long t)
{
    return t + noise(t);
}

Test(plan, a_leak_of_one_per_iteration_is_flagged_at_the_first_look)
{
    struct outcome o = run1(one_per_iter, 2048, 0);

    cr_assert(o.leak);
    cr_assert_eq(o.reason, LC_PLAN_KEPT_GROWING);
    cr_assert_eq(o.detected_at, LC_PLAN_FIRST_HORIZON,
                 "first judged growing at %ld", o.detected_at);
    cr_assert_eq(o.last_t, 2048, "confirmed at the horizon, not before");
    cr_assert_float_eq(o.per_iter, 1.0, 1e-9);
}

Test(plan, a_flat_series_is_clean_at_the_minimum_clean_horizon)
{
    struct outcome o = run1(flat, 2048, 0);

    cr_assert_not(o.leak);
    cr_assert_eq(o.reason, LC_PLAN_FLAT);
    cr_assert_eq(o.last_t, 64);
}

Test(plan, intermittent_leaks_are_leaks)
{
    cr_assert(run1(every_third, 2048, 0).leak);
    cr_assert(run1(every_tenth, 2048, 0).leak);
    cr_assert(run1(leak_with_noise, 2048, 0).leak);
}

Test(plan, a_cache_that_fills_within_half_the_horizon_is_clean)
{
    struct outcome o = run1(fill_1000, 2048, 0);

    cr_assert_not(o.leak);
    cr_assert_eq(o.reason, LC_PLAN_FLAT);
    o = run1(fill_300, 2048, 0);
    cr_assert_not(o.leak);
    cr_assert_eq(o.last_t, 512,
                 "stops at the first flat half past the "
                 "fill, ran to %ld",
                 o.last_t);
}

Test(plan, a_cache_filling_past_half_the_horizon_is_the_documented_limit)
{
    /* Still filling in the last sixth of the horizon: growth that kept
     * going, as far as the plan can tell. */
    cr_assert(run1(fill_1900, 2048, 0).leak);
    cr_assert_not(run1(fill_1900, 4096, 0).leak, "a longer horizon clears it");
}

Test(plan, sawtooth_noise_steps_and_slowing_growth_are_clean)
{
    level_fn clean[] = {sawtooth_50, noise, warmup_spike, one_step,
                        log_growth};

    for (size_t i = 0; i < sizeof(clean) / sizeof(clean[0]); i++) {
        struct outcome o = run1(clean[i], 2048, 0);

        cr_assert_not(o.leak, "scenario %zu judged a leak (reason %d)", i,
                      o.reason);
    }
}

Test(plan, min_rate_separates_native_noise_from_a_native_leak)
{
    cr_assert(run1(native_400, 2048, 32).leak);
    cr_assert_not(run1(native_noise, 2048, 32).leak);
}

Test(plan, verdicts_do_not_change_under_a_constant_shift)
{
    level_fn all[] = {flat,        one_per_iter, every_third, fill_1000,
                      sawtooth_50, noise,        log_growth,  one_step};

    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        struct lc_plan_opts o = one_signal(2048, 0);
        level_fn f[1] = {all[i]};
        struct outcome a = drive(&o, f, 0), b = drive(&o, f, 1000000007);

        cr_assert_eq(a.leak, b.leak, "scenario %zu", i);
        cr_assert_eq(a.last_t, b.last_t, "scenario %zu", i);
    }
}

Test(plan, each_signal_has_its_own_horizon)
{
    struct lc_plan_opts o = one_signal(2048, 0);
    level_fn f[2] = {flat, one_per_iter};
    struct outcome out;

    o.nsignals = 2;
    o.sig[1] = (struct lc_plan_signal){.max_horizon = 128, .decides = true};
    out = drive(&o, f, 0);
    cr_assert(out.leak);
    cr_assert_eq(out.last_t, 128, "a scarce signal decides at its horizon");
}

Test(plan, a_leak_names_every_signal_growing_when_it_is_decided)
{
    struct lc_plan_opts o = one_signal(2048, 0);
    level_fn f[3] = {one_per_iter, one_per_iter, flat};
    size_t cap = lc_plan_capacity(2048);
    long ts[200];
    int64_t lv[3 * 200];
    struct lc_plan p;
    long t;

    cr_assert_leq(cap, 200u);
    o.nsignals = 3;
    o.sig[1] = (struct lc_plan_signal){.max_horizon = 128, .decides = true};
    o.sig[2] = (struct lc_plan_signal){.max_horizon = 2048, .decides = true};
    lc_plan_init(&p, &o, ts, lv, cap);
    while ((t = lc_plan_next(&p)) >= 0) {
        int64_t v[3] = {f[0](t), f[1](t), f[2](t)};

        lc_plan_add(&p, t, v);
    }
    cr_assert(p.leak);
    cr_assert_eq(p.judged_at, 128, "decided by the scarce signal's horizon");
    cr_assert_eq(p.leaking, 3u,
                 "both growing signals named, not the flat one");
}

Test(plan, a_signal_that_does_not_decide_never_makes_a_leak)
{
    struct lc_plan_opts o = one_signal(2048, 0);
    level_fn f[2] = {flat, one_per_iter};

    o.nsignals = 2;
    o.sig[1] = (struct lc_plan_signal){.max_horizon = 2048, .decides = false};
    cr_assert_not(drive(&o, f, 0).leak);
}

Test(plan, stopping_early_decides_on_the_last_judgement)
{
    struct lc_plan_opts o = one_signal(2048, 0);
    long ts[200];
    int64_t lv[200];
    struct lc_plan p;
    long t;

    lc_plan_init(&p, &o, ts, lv, 200);
    lc_plan_add(&p, 0, (int64_t[]){0});
    lc_plan_stop(&p);
    cr_assert(p.done);
    cr_assert_not(p.leak);
    cr_assert_eq(p.reason, LC_PLAN_TOO_SLOW);

    lc_plan_init(&p, &o, ts, lv, 200);
    while ((t = lc_plan_next(&p)) >= 0 && t <= 64)
        lc_plan_add(&p, t, (int64_t[]){t});
    lc_plan_stop(&p);
    cr_assert(p.leak);
    cr_assert_eq(p.reason, LC_PLAN_TIME_GROWING);
    cr_assert_eq(p.leaking, 1u);

    /* growing at the judgements at 8, 16 and 32 only: a cache filling
     * over a slow test's few iterations looks the same, so undecided */
    lc_plan_init(&p, &o, ts, lv, 200);
    while ((t = lc_plan_next(&p)) >= 0 && t <= 32)
        lc_plan_add(&p, t, (int64_t[]){t});
    cr_assert_eq(p.run[0], LC_PLAN_CERTAIN_RUN - 1);
    lc_plan_stop(&p);
    cr_assert_not(p.leak);
    cr_assert_eq(p.reason, LC_PLAN_TIME_UNSURE);
    cr_assert_eq(p.leaking, 0u);
}

Test(plan, an_unsure_time_bound_is_a_timeout_naming_what_grew)
{
    struct lc_plan_opts o = one_signal(2048, 0);
    long ts[200];
    int64_t lv[200];
    struct lc_plan p;
    struct lc_result *r = calloc(1, sizeof(*r));
    long t;

    cr_assert_not_null(r);
    lc_plan_init(&p, &o, ts, lv, 200);
    while ((t = lc_plan_next(&p)) >= 0 && t <= 16)
        lc_plan_add(&p, t, (int64_t[]){t});
    lc_plan_stop(&p);
    lc_result_take_plan(r, &p, "raise --time");
    cr_assert_eq(r->verdict, LC_VERDICT_TIMEOUT);
    cr_assert_eq(r->reason, LC_PLAN_TIME_UNSURE);
    cr_assert(strstr(r->message, "growing at 2 judgements in a row"), "%s",
              r->message);
    cr_assert(strstr(r->message, lc_signal_name(0)), "%s", r->message);
    cr_assert(strstr(r->message, "raise --time"), "%s", r->message);
    free(r);
}

Test(plan, capacity_covers_every_reading_the_plan_asks_for)
{
    long maxes[] = {8, 9, 31, 100, 2048, 5000, 100000};

    cr_assert_eq(lc_plan_capacity(2048), 129u, "33 dense + 16 per doubling");
    for (size_t i = 0; i < sizeof(maxes) / sizeof(maxes[0]); i++) {
        struct outcome o = run1(one_per_iter, maxes[i], 0);

        cr_assert(o.leak, "max %ld", maxes[i]);
        cr_assert_eq(o.last_t, maxes[i], "ran to %ld of %ld", o.last_t,
                     maxes[i]);
        cr_assert_eq(o.readings, lc_plan_capacity(maxes[i]), "max %ld",
                     maxes[i]);
    }
}

Test(plan, defaults_come_from_the_signal_table)
{
    struct lc_plan_opts o;

    lc_plan_opts_default(&o, 2048, LC_SIG_ALL & ~(1u << LC_SIG_FDS));
    cr_assert_eq(o.nsignals, LC_SIG_COUNT);
    cr_assert_eq(o.min_clean, 64);
    cr_assert_float_eq(o.keep_ratio, 0.6, 1e-12);
    cr_assert_eq(o.sig[LC_SIG_PY_BLOCKS].max_horizon, 2048);
    cr_assert_eq(o.sig[LC_SIG_THREADS].max_horizon, 128,
                 "scarce signals decide early");
    cr_assert_float_eq(o.sig[LC_SIG_NATIVE].min_rate, 32.0, 1e-12);
    cr_assert_float_eq(o.sig[LC_SIG_PY_BYTES].min_rate, 0.0, 1e-12);
    cr_assert(!o.sig[LC_SIG_FDS].decides);
    cr_assert(o.sig[LC_SIG_NATIVE].decides);
    lc_plan_opts_default(&o, 64, LC_SIG_ALL);
    cr_assert_eq(o.sig[LC_SIG_FDS].max_horizon, 64,
                 "a bound below a signal's horizon wins");
}

Test(plan, every_reason_has_a_text)
{
    for (int r = 0; r < LC_PLAN_REASON_COUNT; r++)
        cr_assert_str_neq(lc_plan_reason_name(r), "unknown");
    cr_assert_str_eq(lc_plan_reason_name(LC_PLAN_REASON_COUNT), "unknown");
}

Test(plan, a_result_carries_every_reading_and_the_last_window)
{
    struct lc_plan_opts o = one_signal(2048, 0);
    size_t cap = lc_plan_capacity(2048);
    long *ts = calloc(cap, sizeof(*ts));
    int64_t *lv = calloc(cap, sizeof(*lv));
    struct lc_result *r = calloc(1, sizeof(*r));
    struct lc_plan p;
    long t;

    cr_assert(ts && lv && r);
    cr_assert_leq(lc_plan_capacity(LC_ITERATIONS_MAX), LC_READINGS_MAX,
                  "the longest plan's readings fit a result");
    lc_plan_init(&p, &o, ts, lv, cap);
    while ((t = lc_plan_next(&p)) >= 0) {
        int64_t v = 100 + 3 * t;

        lc_plan_add(&p, t, &v);
    }
    lc_result_take_plan(r, &p, "");
    cr_assert_eq(r->verdict, LC_VERDICT_LEAK);
    cr_assert_eq((size_t)r->readings.n, p.n);
    for (long i = 0; i < r->readings.n; i++) {
        cr_assert_eq(r->readings.t[i], ts[i]);
        cr_assert_eq(r->readings.v[0][i], 100 + 3 * ts[i]);
    }
    cr_assert_eq(r->readings.horizon[0], 2048);
    cr_assert_eq(r->readings.window_to, 2048);
    cr_assert_eq(r->readings.window_from, 1024);
    free(ts);
    free(lv);
    free(r);
}

/* The plan followed as lc_measure_run follows it: signal 0 is sparse and
 * read only where lc_plan_reads asks, its last level carried elsewhere.
 * *reads counts the readings that read it. */
static struct outcome drive_sparse(const struct lc_plan_opts *o, level_fn fn,
                                   size_t *reads)
{
    size_t cap = lc_plan_capacity(o->sig[0].max_horizon);
    long *ts = calloc(cap, sizeof(*ts)), t;
    int64_t *lv = calloc(cap, sizeof(*lv)), last = 0;
    struct lc_plan p;
    struct outcome out = {0};

    cr_assert(ts && lv);
    *reads = 0;
    lc_plan_init(&p, o, ts, lv, cap);
    while ((t = lc_plan_next(&p)) >= 0) {
        bool read = lc_plan_reads(&p, 0, t);

        if (read) {
            last = fn(t);
            ++*reads;
        }
        lc_plan_add_carried(&p, t, &last, read ? 0u : 1u);
        out.last_t = t;
    }
    cr_assert(p.done);
    out.leak = p.leak;
    out.reason = p.reason;
    out.readings = p.n;
    free(ts);
    free(lv);
    return out;
}

/* Every series, for the sparse-against-dense tests. */
static level_fn fns[] = {flat,       one_per_iter, every_third, every_tenth,
                         fill_1000,  fill_300,     fill_1900,   sawtooth_50,
                         log_growth, warmup_spike, one_step,    noise};

Test(plan, a_sparse_signal_gets_the_verdicts_of_every_reading)
{
    for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
        struct lc_plan_opts o = one_signal(2048, 0);
        struct outcome dense = run1(fns[i], 2048, 0), sparse;
        size_t reads;

        o.sparse = 1u;
        sparse = drive_sparse(&o, fns[i], &reads);
        cr_assert_eq(sparse.leak, dense.leak, "series %zu", i);
        cr_assert_eq(sparse.reason, dense.reason, "series %zu", i);
        cr_assert_leq(reads, dense.readings, "series %zu", i);
    }
}

Test(plan, a_flat_sparse_signal_is_read_at_the_window_edges_only)
{
    struct lc_plan_opts o = one_signal(2048, 0);
    size_t reads;
    struct outcome out;

    o.sparse = 1u;
    out = drive_sparse(&o, flat, &reads);
    cr_assert_not(out.leak);
    cr_assert_eq(out.reason, LC_PLAN_FLAT);
    cr_assert_eq(out.last_t, 64);
    cr_assert_eq(out.readings, 49u, "33 dense readings and 16 to 64");
    cr_assert_eq(reads, 5u, "at 0, 8, 16, 32 and 64");
}

Test(plan, a_sparse_signal_is_read_densely_after_two_rising_windows)
{
    struct lc_plan_opts o = one_signal(2048, 0);
    size_t reads;
    struct outcome out;

    o.sparse = 1u;
    out = drive_sparse(&o, one_step, &reads);
    cr_assert_not(out.leak);
    cr_assert_eq(out.last_t, 64);
    cr_assert_eq(reads, 5u, "one rise (window [16, 32]): edges only");
    out = drive_sparse(&o, one_per_iter, &reads);
    cr_assert(out.leak);
    cr_assert_eq(out.reason, LC_PLAN_KEPT_GROWING);
    cr_assert_gt(reads, 64u, "dense once it rose at 8 and 16");
}

/* The same under a suite's certainty bound: a leak is certain at the same
 * iteration whether the signal is read densely or at the edges; a clean
 * series is clean at the same iteration, a noisy one at most a horizon
 * later. */
Test(plan, a_sparse_signal_is_certain_where_a_dense_one_is)
{
    for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
        struct lc_plan_opts o = one_signal(2048, 0);
        level_fn fn[1] = {fns[i]};
        struct outcome dense, sparse;
        size_t reads;

        o.certain = 1024;
        dense = drive(&o, fn, 0);
        o.sparse = 1u;
        sparse = drive_sparse(&o, fns[i], &reads);
        cr_assert_eq(sparse.leak, dense.leak, "series %zu", i);
        cr_assert_eq(sparse.reason, dense.reason, "series %zu", i);
        if (fns[i] != noise)
            cr_assert_eq(sparse.last_t, dense.last_t, "series %zu", i);
        else /* a window whose end is above its start is not FLAT
              * sparse: one more horizon */
            cr_assert_leq(sparse.last_t, 2 * dense.last_t);
    }
}

Test(plan, a_leak_is_certain_after_four_growing_horizons_through_the_bound)
{
    struct lc_plan_opts o = one_signal(2048, 0);
    level_fn fn[1] = {one_per_iter};
    struct outcome out;

    o.certain = 256;
    out = drive(&o, fn, 0);
    cr_assert(out.leak);
    cr_assert_eq(out.reason, LC_PLAN_CERTAIN);
    cr_assert_eq(out.last_t, 256, "stopped at the bound, not at 2048");
    cr_assert_float_eq(out.per_iter, 1.0, 1e-9);

    fn[0] = fill_300; /* growing at 32..256, slowing at 512 */
    out = drive(&o, fn, 0);
    cr_assert(out.leak, "the documented price: a fill past the bound");
    o.certain = 0;
    out = drive(&o, fn, 0);
    cr_assert_not(out.leak, "the whole plan calls the same fill clean");

    o.certain = 256;
    fn[0] = every_tenth; /* sparse growth: not growing at every horizon */
    out = drive(&o, fn, 0);
    cr_assert(out.leak);
    fn[0] = sawtooth_50;
    out = drive(&o, fn, 0);
    cr_assert_not(out.leak, "bounded and repeating: never certain");
}
