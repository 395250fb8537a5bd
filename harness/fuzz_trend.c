/*
 * fuzz_trend - the leak detector (trend.h) on arbitrary series.
 *
 * Input layout (little-endian):
 *   byte 0        batch: 1 + (b % 16) iterations between readings
 *   byte 1        min_rate: b / 8.0 (0 to 31.9 per iteration)
 *   byte 2        plan horizon: 8 << (b % 8) (8 to 1024 iterations)
 *   bytes 3..7    shift: a signed 40-bit constant added to every level
 *   bytes 8..     the series as signed 16-bit steps: levels[0] = 0,
 *                 levels[i] = levels[i - 1] + step[i - 1]
 *                 (at most SERIES_MAX readings)
 * Shorter inputs are rejected. Levels stay within +-2^40 and so do the
 * shifted ones: real counters never come near 2^63, and the detector's
 * differences must not overflow.
 *
 * Invariants checked on lc_trend_classify, each a finding when broken:
 *   - no crash, no undefined behaviour (ASan, UBSan);
 *   - the evidence adds up: steps = n - 1, total = last - first,
 *     0 <= grew <= steps, per_iter has total's sign, mk_z is finite;
 *   - a leak has growth: total > 0, floor_gap > 0, per_iter >= min_rate;
 *     fewer than LC_TREND_MIN_STEPS steps, or a series that never goes
 *     up, is never a leak, and neither is the mirror image of a leak;
 *   - the verdict and all evidence are the same after adding a constant
 *     (a process that already holds more memory leaks the same way);
 *   - with min_rate 0, scaling by 2 or 3 keeps the verdict and the counts.
 * And on the plan (lc_plan_*), fed the same series as the readings of two
 * signals, the second shifted: the next reading moves strictly forward,
 * the plan ends within its capacity, a leak gives a leak reason, and both
 * signals get the same state at every judgement.
 */
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "fuzz_common.h"
#include "plan.h"
#include "trend.h"

#define HEADER 8
#define SERIES_MAX 4096
#define SHIFT_BITS 40
#define HORIZON_MAX 1024

static int64_t levels[SERIES_MAX];
static int64_t shifted[SERIES_MAX];
static int64_t scaled[SERIES_MAX];

static bool same_trend(const struct lc_trend *a, const struct lc_trend *b)
{
    return a->leak == b->leak && a->per_iter == b->per_iter &&
           a->total == b->total && a->grew == b->grew &&
           a->steps == b->steps && a->floor_gap == b->floor_gap &&
           a->mk_z == b->mk_z;
}

static void check_classify(size_t n, const struct lc_trend_opts *o,
                           int64_t shift)
{
    struct lc_trend t, ts, tm;
    bool rises = false;

    lc_trend_classify(levels, n, o, &t);
    if (n >= 2) {
        LC_FUZZ_CHECK(t.steps == (long)n - 1);
        LC_FUZZ_CHECK(t.total == levels[n - 1] - levels[0]);
    } else {
        LC_FUZZ_CHECK(t.steps == 0 && !t.leak);
    }
    LC_FUZZ_CHECK(t.grew >= 0 && t.grew <= t.steps);
    LC_FUZZ_CHECK((t.per_iter > 0) == (t.total > 0));
    LC_FUZZ_CHECK((t.per_iter < 0) == (t.total < 0));
    LC_FUZZ_CHECK(isfinite(t.mk_z) && isfinite(t.per_iter));
    for (size_t i = 1; i < n; i++)
        rises = rises || levels[i] > levels[i - 1];
    if (t.leak) {
        LC_FUZZ_CHECK(t.steps >= LC_TREND_MIN_STEPS);
        LC_FUZZ_CHECK(t.total > 0 && t.floor_gap > 0);
        LC_FUZZ_CHECK(t.per_iter >= o->min_rate);
        LC_FUZZ_CHECK(rises);
    }

    /* A constant shift changes nothing. */
    for (size_t i = 0; i < n; i++)
        shifted[i] = levels[i] + shift;
    lc_trend_classify(shifted, n, o, &ts);
    LC_FUZZ_CHECK(same_trend(&t, &ts));

    /* The mirror image of a leak shrinks: never a leak. */
    for (size_t i = 0; i < n; i++)
        scaled[i] = -levels[i];
    lc_trend_classify(scaled, n, o, &tm);
    LC_FUZZ_CHECK(!(t.leak && tm.leak));

    /* Scaling keeps the verdict when no rate threshold is involved. */
    if (o->min_rate == 0) {
        for (int64_t k = 2; k <= 3; k++) {
            for (size_t i = 0; i < n; i++)
                scaled[i] = levels[i] * k;
            lc_trend_classify(scaled, n, o, &tm);
            LC_FUZZ_CHECK(tm.leak == t.leak && tm.grew == t.grew &&
                          tm.steps == t.steps && tm.mk_z == t.mk_z &&
                          tm.total == k * t.total &&
                          tm.floor_gap == k * t.floor_gap);
        }
    }
}

static void check_plan(size_t n, long horizon, double min_rate, int64_t shift)
{
    static long t_store[SERIES_MAX];
    static int64_t level_store[2 * SERIES_MAX];
    struct lc_plan_opts o;
    struct lc_plan p;
    size_t cap = lc_plan_capacity(horizon), used = 0;
    long last = -1, next;

    LC_FUZZ_CHECK(cap >= 2 && cap <= SERIES_MAX);
    /* Two signals alike but for the shift, under the default policy. */
    lc_plan_opts_default(&o, horizon, 3u);
    o.nsignals = 2;
    for (int s = 0; s < 2; s++) {
        o.sig[s].min_rate = min_rate;
        o.sig[s].max_horizon = horizon;
    }
    lc_plan_init(&p, &o, t_store, level_store, cap);
    while ((next = lc_plan_next(&p)) >= 0) {
        int64_t v[2];

        LC_FUZZ_CHECK(next > last);
        LC_FUZZ_CHECK(next <= horizon);
        LC_FUZZ_CHECK(used < cap);
        if (used == n) {
            lc_plan_stop(&p); /* the series ran out: a time bound */
            break;
        }
        v[0] = levels[used];
        v[1] = levels[used] + shift;
        used++;
        lc_plan_add(&p, next, v);
        LC_FUZZ_CHECK(p.state[0] == p.state[1]);
        last = next;
    }
    LC_FUZZ_CHECK(p.done);
    LC_FUZZ_CHECK(lc_plan_next(&p) == -1);
    LC_FUZZ_CHECK(((p.leaking >> 0) & 1u) == ((p.leaking >> 1) & 1u));
    if (p.leak)
        LC_FUZZ_CHECK(p.reason == LC_PLAN_KEPT_GROWING ||
                      p.reason == LC_PLAN_TIME_GROWING);
    else
        LC_FUZZ_CHECK(p.leaking == 0);
    LC_FUZZ_CHECK(lc_plan_reason_name(p.reason) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct lc_trend_opts o;
    uint64_t raw = 0;
    int64_t shift;
    long horizon;
    size_t n;

    if (size < HEADER || size > HEADER + 2 * (SERIES_MAX - 1))
        return 0;
    o.batch = 1 + data[0] % 16;
    o.min_rate = data[1] / 8.0;
    horizon = 8L << (data[2] % 8);
    for (int i = 0; i < 5; i++)
        raw |= (uint64_t)data[3 + i] << (8 * i);
    /* Sign-extend 40 bits. */
    shift = (int64_t)(raw << (64 - SHIFT_BITS)) >> (64 - SHIFT_BITS);

    n = 1 + (size - HEADER) / 2;
    levels[0] = 0;
    for (size_t i = 1; i < n; i++) {
        const uint8_t *p = data + HEADER + 2 * (i - 1);
        int16_t step = (int16_t)(uint16_t)(p[0] | p[1] << 8);

        levels[i] = levels[i - 1] + step;
    }

    check_classify(n, &o, shift);
    check_plan(n, horizon, o.min_rate, shift);
    return 0;
}
