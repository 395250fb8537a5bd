/*
 * worker.h - run one case in this process and judge it.
 *
 * Starts the interpreter with the counting hooks, loads the case, calls
 * setup(), then run() over and over:
 *
 *   warm-up      c->warmup iterations, not read;
 *   window 1     a third of c->iterations, read after every iteration;
 *   window 2     the other two thirds, only when window 1 looks like a leak:
 *                the confirmation, judged alone, so growth that stopped
 *                (a cache that filled up) is not a leak.
 *
 * Before each reading a full collection runs, unless the case turned the
 * collector off: then its cycles are a leak and stay counted. Sample storage
 * is allocated before the first reading; between two readings the harness
 * creates no Python object and calls no allocator.
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
