/*
 * plan.h - the verdict policy: how long to run a case and what to conclude,
 * over several signals at once, on top of trend.h's window rule.
 *
 * Pure functions over caller-owned arrays: no Python, no I/O, no allocation.
 *
 * Doubling horizons H = 8, 16, 32, ... iterations after
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
 * With opts.certain, a signal GROWING at LC_PLAN_CERTAIN_RUN judgements in
 * a row, the last at H >= certain, is a leak there (CERTAIN): a suite's
 * leaking test stops at 256 iterations, not 2048.
 *
 * A signal GROWING at its own max_horizon is a leak: growth that kept going
 * for that long is not a cache filling up, unless that cache fills over
 * more than max_horizon / 2 iterations (such a cache is reported as a leak:
 * the documented limit). All deciding signals FLAT at H >= min_clean is
 * clean. Reaching the largest max_horizon otherwise (STEP, SLOWING) is clean.
 * The caller may stop early (a time bound): a signal GROWING at the last
 * LC_PLAN_CERTAIN_RUN judgements in a row is a leak (TIME_GROWING); one
 * growing at fewer is undecided (TIME_UNSURE, reported as a timeout): a
 * cache that fills over the few iterations a slow test gets in its time
 * is not a leak, and 8 or 16 iterations cannot tell it from one.
 *
 * Readings: every iteration up to 32, then 16 per doubling, so a plan to
 * 2048 iterations takes 128 readings; a costly signal (signals.h) is read
 * at a window's edges only while it stays flat (lc_plan_reads). Storage is the
 * caller's, sized by lc_plan_capacity(); nothing is allocated.
 *
 * lc_plan_opts_default() is the one place the policy's numbers come from:
 * the runner's worker, the leak fuzzer's oracle and the tests all start
 * from it. Per signal it takes the noise floor and horizon of signals.h.
 */

#ifndef LC_PLAN_H
#define LC_PLAN_H

#include "names.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "signals.h"
#include "trend.h"

#define LC_PLAN_SIGNALS_MAX 8
#define LC_PLAN_FIRST_HORIZON 8

/* Why a plan stopped: one row per reason, its JSON text beside it. */
#define LC_PLAN_REASON_MAP(X)                                                 \
    X(UNDECIDED, "undecided")                                                 \
    /* clean: every signal flat */                                            \
    X(FLAT, "flat: no signal kept growing")                                   \
    /* leak: growth went on through max_horizon */                            \
    X(KEPT_GROWING, "growth kept going through the iteration horizon")        \
    /* clean at the iteration bound: not growing */                           \
    X(BOUND, "iteration bound reached with growth stepping or slowing, "      \
             "not going on")                                                  \
    /* leak: stopped by time, growing at the last LC_PLAN_CERTAIN_RUN         \
     * looks */                                                               \
    X(TIME_GROWING, "time bound reached with growth still going")             \
    /* undecided (a timeout): stopped by time, growing at the last look but   \
     * at fewer looks in a row than a leak needs */                           \
    X(TIME_UNSURE, "time bound reached with growth seen at too few "          \
                   "horizons to call it a leak")                              \
    /* clean: stopped by time, not growing */                                 \
    X(TIME, "time bound reached, not growing at the last look")               \
    /* stopped by time before the first judgement */                          \
    X(TOO_SLOW, "time bound reached before the first judgement")              \
    /* leak: the worker grew into its memory cap (worker.h) */                \
    X(MEMORY_CAP, "grew into the memory cap")                                 \
    /* leak: growing at every one of the last LC_PLAN_CERTAIN_RUN horizons,   \
     * through opts.certain (a suite's tests) */                              \
    X(CERTAIN, "growth kept going through every horizon up to the "           \
               "certainty bound")

enum lc_plan_reason {
#define LC_PLAN_REASON_ENUM(id, text) LC_PLAN_##id,
    LC_PLAN_REASON_MAP(LC_PLAN_REASON_ENUM)
#undef LC_PLAN_REASON_ENUM
        LC_PLAN_REASON_COUNT
};

/* Fewest measured iterations before a clean verdict. A leak every P
 * iterations shows in the latest half's thirds once H/6 > P: 64 catches
 * one object every 10 iterations (32 missed it). */
#define LC_PLAN_MIN_CLEAN 64

/* Judgements in a row a signal must be GROWING at (never SLOWING) for a
 * leak to be certain at opts.certain: 32, 64, 128 and 256 for a bound of
 * 256. A structure that fills for as long (a cache of a few hundred
 * entries fed a new key per call) is then reported as a leak: the price
 * of stopping early, which only a suite's tests pay (suitecmd.c). */
#define LC_PLAN_CERTAIN_RUN 4

/* A growth rate below this share of the previous half's is slowing down:
 * a structure filling ever more slowly (asyncio's per-loop caches). */
#define LC_PLAN_KEEP_RATIO 0.6

struct lc_plan_signal {
    double min_rate;  /* least growth per iteration that counts */
    long max_horizon; /* iterations of growth that make a leak */
    bool decides;     /* whether this signal can make the verdict */
};

struct lc_plan_opts {
    int nsignals; /* 1..LC_PLAN_SIGNALS_MAX */
    struct lc_plan_signal sig[LC_PLAN_SIGNALS_MAX];
    long min_clean;     /* fewest iterations before a clean verdict */
    double keep_ratio;  /* rate below this share of the last one: SLOWING */
    long certain;       /* leak once a deciding signal is GROWING at
                           LC_PLAN_CERTAIN_RUN judgements in a row, the
                           last at H >= certain; 0: only at max_horizon */
    unsigned sparse;    /* bit per signal that may be read at a window's
                           edges only (lc_plan_reads) */
    bool sparse_to_end; /* sparse through the windows that can end in a
                           leak too: for a plan whose leak is not used (a
                           suite's screen), whose FLAT is exact anyway */
};

struct lc_plan {
    struct lc_plan_opts o;
    size_t cap;       /* readings the storage holds */
    size_t n;         /* readings taken */
    long *t;          /* iteration of each reading (after warm-up) */
    int64_t *levels;  /* levels[s * cap + i] */
    long horizon;     /* H: the next judgement's iteration */
    long max_horizon; /* largest max_horizon of the deciding signals */
    long judged_at;   /* H of the last judgement, 0 before the first */
    bool done;
    bool leak;
    enum lc_plan_reason reason;
    enum lc_trend_state state[LC_PLAN_SIGNALS_MAX];
    struct lc_trend last[LC_PLAN_SIGNALS_MAX]; /* evidence, last judgement */
    long detected_at[LC_PLAN_SIGNALS_MAX];     /* first H judged GROWING */
    int run[LC_PLAN_SIGNALS_MAX]; /* judgements in a row judged GROWING */
    unsigned leaking;             /* bit per deciding signal growing at a leak
                                     verdict */
    unsigned carried; /* bit per sparse signal carried (not read) at a
                         reading of the current window */
    unsigned rose;    /* bit per sparse signal that rose over the last
                         window, which was read at its edges only */
    unsigned dense;   /* bit per sparse signal read at every reading from
                         now on: it rose over two such windows in a row */
};

/* The policy for every signal of signals.h: those in the deciding mask
 * decide, growth over iterations (each signal's own horizon when shorter)
 * is a leak, min_clean LC_PLAN_MIN_CLEAN, keep_ratio LC_PLAN_KEEP_RATIO. */
void lc_plan_opts_default(struct lc_plan_opts *o, long iterations,
                          unsigned deciding);

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

/* Whether the reading at iteration t must read signal s. A sparse signal
 * (opts.sparse: the reference walk, about four full collections a reading)
 * is read at the first reading, at each judgement's horizon and at the
 * first reading of each window, so every window it is judged on has real
 * levels at both ends; in between the caller carries its last level. Its
 * judgement is then exact whenever it did not rise over the window (the
 * latest level not above the first is FLAT whatever lies between, see
 * judge_signal); when it rose, it is STEP (undecided); when it rose over
 * the window before too, it is read at every reading from then on, so the
 * next windows are judged on every level (a leak is then judged GROWING
 * one window later than on dense readings; a cache that fills once stays
 * sparse: its one window was 34 walks of a 64-iteration case). The
 * windows that can end in a leak verdict on s (the one at its max_horizon
 * and the one before, whose rate SLOWING compares with) are read densely
 * unless opts.sparse_to_end. */
bool lc_plan_reads(const struct lc_plan *p, int s, long t);

/* lc_plan_add, where the signals of mask carried were not read at t (their
 * levels are the previous reading's): sparse signals skipped by
 * lc_plan_reads. */
void lc_plan_add_carried(struct lc_plan *p, long t, const int64_t *levels,
                         unsigned carried);

/* Stop now (a time bound), deciding on the last judgements: TIME_GROWING,
 * TIME_UNSURE, TIME or TOO_SLOW. */
void lc_plan_stop(struct lc_plan *p);

/* The reason's text in reports, and back (names.h). */
LC_NAMES_DECLARE(lc_plan_reason, enum lc_plan_reason)

#endif
