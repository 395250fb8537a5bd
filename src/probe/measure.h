/*
 * measure.h - the measured loop: call one iteration over and over and read
 * every signal where the plan (plan.h) asks, until it decides or the time
 * bound passes (then its last judgement decides).
 *
 * One loop for every process that judges growth: the runner's worker calls
 * a case's run(), the leak fuzzer's oracle calls fuzz(data) with one input.
 *
 * A reading (lc_measure_read) empties the type attribute cache
 * (interpreter-internal, see embed.h) and runs a full collection, which
 * also empties the freelists, unless the case turned the collector off:
 * then its cycles are a leak and stay counted. No other cache is cleared:
 * a user's leak can live in any of them (regrtest's clearing of ctypes' and
 * warnings' caches hides real leaks there).
 *
 * A costly signal (signals.h: the reference walk) is not read while
 * another deciding signal was growing at the last judgement: that one
 * carries the verdict, and the costly one keeps its last level (flat)
 * until none grows. Otherwise it is read at the edges of each window only
 * while it does not rise (plan.h, lc_plan_reads): a clean plan to 64
 * iterations walks the references 5 times instead of 49.
 *
 * The plan's storage is allocated from libc by lc_measure_init, before the
 * first reading; between two readings the loop creates no Python object and
 * calls no allocator.
 */
#ifndef LC_MEASURE_H
#define LC_MEASURE_H

#include <stddef.h>
#include <stdint.h>

#include "alloc.h"
#include "plan.h"
#include "result.h"
#include "signals.h"

struct lc_measure {
    struct lc_plan plan; /* the verdict's state and evidence */
    long *t;             /* plan storage: iteration of each reading */
    int64_t *levels;     /* plan storage: cap readings per signal */
    size_t cap;          /* readings the storage holds */
    struct lc_alloc_counts *domains; /* the allocator counters at each
                                        reading, cap of them */
    long calls;                      /* iterations called by lc_measure_run */
};

/* Storage for a plan up to max_horizon iterations. 0 or -LC_ENOMEM. */
int lc_measure_init(struct lc_measure *m, long max_horizon);

/* Empty the interpreter's type cache and, unless the case turned the
 * collector off, collect fully: what every reading does first. */
void lc_measure_settle(void);

/* lc_measure_settle, then the signals of mask (probes.h). */
void lc_measure_read(struct lc_sample *out, unsigned mask);

/* Follow a fresh plan with options o: call(ctx) once per iteration, read
 * its deciding signals where the plan asks, stop it when time_s seconds
 * have passed. Returns 0 when the plan is done, or the first non-zero
 * return of call (the plan is then left undecided). m->calls counts the
 * iterations called. */
int lc_measure_run(struct lc_measure *m, const struct lc_plan_opts *o,
                   int (*call)(void *ctx), void *ctx, double time_s);

/* Growth per iteration of each allocator domain over the window of the
 * plan's last judgement (the one its evidence comes from): the per-domain
 * split of py_blocks and py_bytes. False when nothing was judged. */
bool lc_measure_domains(const struct lc_measure *m,
                        struct lc_domain_growth out[LC_DOMAIN_COUNT]);

void lc_measure_release(struct lc_measure *m);

#endif
