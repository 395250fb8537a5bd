/*
 * worker.h - run one case in this process and judge it.
 *
 * Starts the interpreter with the counting hooks, loads the case, calls
 * setup(), runs c->warmup iterations unread, then follows the plan of
 * trend.h: run() over and over, a reading at each point the plan asks for,
 * until the plan decides or c->time_s passes (then the last judgement
 * decides). teardown() last.
 *
 * Before each reading the type attribute cache is emptied (interpreter-
 * internal, see embed.h) and a full collection runs (it also empties the
 * freelists), unless the case turned the collector off: then its cycles are
 * a leak and stay counted. No other cache is cleared: a user's leak can live
 * in any of them (regrtest's clearing of ctypes' and warnings' caches hides
 * real leaks there). Plan storage is allocated before the first reading; between
 * two readings the harness creates no Python object and calls no allocator.
 *
 * The process is meant to end after one case (one interpreter per process).
 */
#ifndef LC_WORKER_H
#define LC_WORKER_H

#include "case.h"
#include "result.h"

/* Fill *r (magic included) with the verdict on c. Never exits; errors of the
 * case become verdict "error" with the phase and message set. */
void lc_worker_run(const struct lc_case *c, struct lc_result *r);

#endif
