/*
 * trend.h - decide whether a series of per-iteration samples shows a leak.
 *
 * Pure functions over plain arrays: no Python, no I/O, no allocation.
 *
 * Two layers. lc_trend_classify() judges one window: the level of one
 * signal read at consecutive sample points (levels[0] the first, each later
 * reading one batch of iterations on). The window rule, "growth that keeps
 * going":
 *
 *   - split the n steps of the series into thirds (at least one step each);
 *   - the floor must rise: the lowest level of the last third is above the
 *     highest level of the first third, so warm-up spikes, one-off steps and
 *     bounded noise that returns do not count;
 *   - growth must still be going at the end: the last reading is above the
 *     first reading of the last third, so a cache that filled up and stopped
 *     early in the window does not count;
 *   - the net growth per iteration must reach the signal's min_rate (0 for
 *     exact counters; a noise floor for the native heap).
 *
 * On the series CPython's regrtest learned from (bpo-30776), as deltas:
 * [5, 5, 6] and [10, 1, 1] are leaks; [3, 0, 0], [0, 1, 0] and [8, -8, 1] are
 * not. It also gives the Mann-Kendall z of the window as evidence.
 *
 * A cache still filling at the end of a window looks like a leak to any
 * window rule: the plan (plan.h) is what tells the two apart, by judging
 * ever longer horizons and calling growth a leak only when it keeps going
 * through the signal's horizon.
 */
#ifndef LC_TREND_H
#define LC_TREND_H

#include "names.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Fewest steps (readings - 1) the rule decides on; fewer is never a leak. */
#define LC_TREND_MIN_STEPS 3

struct lc_trend_opts {
    long batch;      /* iterations between two readings, >= 1 */
    double min_rate; /* least growth per iteration that counts, in the unit */
};

/* The verdict on one series, and its evidence. A plain value. */
struct lc_trend {
    bool leak;         /* growth that keeps going */
    double per_iter;   /* (last - first) / iterations, unit per iteration */
    int64_t total;     /* last - first, in the signal's unit */
    long grew;         /* steps whose level went up */
    long steps;        /* steps judged: readings - 1 */
    int64_t floor_gap; /* min(last third) - max(first third); > 0 rises */
    double mk_z;       /* Mann-Kendall z of the series: > 0 rising; ties
                          are not corrected for, which only lowers |z| */
};

/* Mann-Kendall z above this (one-sided p < 0.01) is a significant upward
 * trend: a window with one is never called flat. */
#define LC_TREND_MK_Z 2.33

/* What a signal's latest window shows, as the plan (plan.h) judges it. */
#define LC_TREND_STATE_MAP(X)                                                 \
    X(FLAT, "flat")                                                           \
    X(STEP, "step")                                                           \
    X(GROWING, "growing")                                                     \
    X(SLOWING, "slowing")

enum lc_trend_state {
#define LC_TREND_STATE_ENUM(id, name) LC_TREND_##id,
    LC_TREND_STATE_MAP(LC_TREND_STATE_ENUM)
#undef LC_TREND_STATE_ENUM
        LC_TREND_STATE_COUNT
};

/* "flat", "step", "growing", "slowing", and back (names.h). */
LC_NAMES_DECLARE(lc_trend_state, enum lc_trend_state)

/* Judge levels[0..n). Never fails: n < LC_TREND_MIN_STEPS + 1 is "not a
 * leak" with the evidence filled in as far as it goes. */
void lc_trend_classify(const int64_t *levels, size_t n,
                       const struct lc_trend_opts *opts, struct lc_trend *out);

#endif
