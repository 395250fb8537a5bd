/*
 * verdict.h - judge one case in this process: the verdict job.
 *
 * Starts the interpreter with the counting hooks, loads the case, calls
 * setup(), runs c->warmup iterations unread, then the measured loop
 * (measure.h) under the default plan (plan.h) until it decides or
 * c->time_s passes (then the last judgement decides); teardown() last.
 *
 * Under the case's memory cap (memory_mib, the process's address space
 * limit, set by worker.h), when run() meets it (MemoryError) after the case
 * grew by a quarter of the cap since setup(), the verdict is a leak with
 * reason "grew into the memory cap"; a MemoryError without such growth (one
 * allocation too large) is an error.
 */
#ifndef LC_VERDICT_H
#define LC_VERDICT_H

#include "case.h"
#include "result.h"

/* Fill *r (magic included) with the verdict on c, announcing phases on
 * progress_fd. Never exits; errors of the case become verdict "error" with
 * the phase and message set. */
void lc_verdict_run(const struct lc_case *c, int progress_fd,
                    struct lc_result *r);

#endif
