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
 * window rule: the plan below (lc_plan_*) is what tells the two apart, by
 * judging ever longer horizons and calling growth a leak only when it keeps
 * going through the signal's horizon.
 */
#ifndef LC_TREND_H
#define LC_TREND_H

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

/* Judge levels[0..n). Never fails: n < LC_TREND_MIN_STEPS + 1 is "not a
 * leak" with the evidence filled in as far as it goes. */
void lc_trend_classify(const int64_t *levels, size_t n,
                       const struct lc_trend_opts *opts, struct lc_trend *out);

/*
 * The plan: how long to run a case and what to conclude, over several
 * signals at once. Doubling horizons H = 8, 16, 32, ... iterations after
 * warm-up; at each H every signal's latest half [H/2, H] (the whole [0, 8]
 * at the first) is judged by lc_trend_classify() into a state:
 *
 *   FLAT     the floor did not rise (or rose slower than min_rate) and
 *            there is no significant upward trend (Mann-Kendall): growth,
 *            if any, did not persist;
 *   STEP     the floor rose but nothing grew in the last third, or the
 *            floor did not rise under noise but the trend is significant:
 *            a fill that may have ended, a sparse or noisy leak; undecided;
 *   GROWING  growth that keeps going through the window, with a
 *            significant upward trend (so one late step is not growth);
 *   SLOWING  growing, but at less than keep_ratio of the previous half's
 *            rate: a structure filling ever more slowly (bounded).
 *
 * A signal GROWING at its own max_horizon is a leak: growth that kept going
 * for that long is not a cache filling up, unless that cache fills over
 * more than max_horizon / 2 iterations (such a cache is reported as a leak:
 * the documented limit). All deciding signals FLAT at H >= min_clean is
 * clean. Reaching the largest max_horizon otherwise (STEP, SLOWING) is clean.
 * The caller may stop early (a time bound): the last judgement decides.
 *
 * Readings: every iteration up to 32, then 16 per doubling, so a plan to
 * 2048 iterations takes 128 readings. Storage is the caller's, sized by
 * lc_plan_capacity(); nothing is allocated.
 */

#define LC_PLAN_SIGNALS_MAX 8
#define LC_PLAN_FIRST_HORIZON 8

enum lc_trend_state {
    LC_TREND_FLAT,
    LC_TREND_STEP,
    LC_TREND_GROWING,
    LC_TREND_SLOWING,
};

enum lc_plan_reason {
    LC_PLAN_UNDECIDED,
    LC_PLAN_FLAT,          /* clean: every signal flat */
    LC_PLAN_KEPT_GROWING,  /* leak: growth went on through max_horizon */
    LC_PLAN_BOUND,         /* clean at the iteration bound: not growing */
    LC_PLAN_TIME_GROWING,  /* leak: stopped by time, growing at the last look */
    LC_PLAN_TIME,          /* clean: stopped by time, not growing */
    LC_PLAN_TOO_SLOW,      /* stopped by time before the first judgement */
};

struct lc_plan_signal {
    double min_rate;  /* least growth per iteration that counts */
    long max_horizon; /* iterations of growth that make a leak */
    bool decides;     /* whether this signal can make the verdict */
};

struct lc_plan_opts {
    int nsignals;      /* 1..LC_PLAN_SIGNALS_MAX */
    struct lc_plan_signal sig[LC_PLAN_SIGNALS_MAX];
    long min_clean;    /* fewest iterations before a clean verdict (32) */
    double keep_ratio; /* rate below this share of the last one: SLOWING */
};

struct lc_plan {
    struct lc_plan_opts o;
    size_t cap;        /* readings the storage holds */
    size_t n;          /* readings taken */
    long *t;           /* iteration of each reading (after warm-up) */
    int64_t *levels;   /* levels[s * cap + i] */
    long horizon;      /* H: the next judgement's iteration */
    long max_horizon;  /* largest max_horizon of the deciding signals */
    long judged_at;    /* H of the last judgement, 0 before the first */
    bool done;
    bool leak;
    enum lc_plan_reason reason;
    enum lc_trend_state state[LC_PLAN_SIGNALS_MAX];
    struct lc_trend last[LC_PLAN_SIGNALS_MAX]; /* evidence, last judgement */
    long detected_at[LC_PLAN_SIGNALS_MAX];     /* first H judged GROWING */
    unsigned leaking;  /* bit per deciding signal growing at a leak
                          verdict */
};

/* Readings a plan up to max_horizon iterations takes. */
size_t lc_plan_capacity(long max_horizon);

/* Storage: t_store[cap], level_store[cap * nsignals]. */
void lc_plan_init(struct lc_plan *p, const struct lc_plan_opts *o,
                  long *t_store, int64_t *level_store, size_t cap);

/* Iteration (after warm-up) at which to take the next reading; -1 once
 * decided. The first reading is at 0. */
long lc_plan_next(const struct lc_plan *p);

/* Add the reading taken at iteration t == lc_plan_next(): one level per
 * signal. Judges when t is the horizon. */
void lc_plan_add(struct lc_plan *p, long t, const int64_t *levels);

/* Stop now (a time bound), deciding on the last judgement. */
void lc_plan_stop(struct lc_plan *p);

const char *lc_trend_state_name(enum lc_trend_state s);
const char *lc_plan_reason_text(enum lc_plan_reason r);

#endif
