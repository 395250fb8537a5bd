/*
 * worker.h - the worker side of the process boundary: run one job in this
 * process and send back what it found.
 *
 * A worker is this program re-executed by the runner as
 * `leakcheck __worker JOBFD RESULTFD`. It reads one job (wire.h), runs it,
 * answers on RESULTFD and exits; one interpreter per process.
 *
 * A verdict job starts the interpreter with the counting hooks, loads the
 * case, calls setup(), runs c->warmup iterations unread, then the measured
 * loop (measure.h) under the default plan (plan.h) until it decides or
 * c->time_s passes (then the last judgement decides); teardown() last.
 * An explain job runs the explain pass (explain.h).
 *
 * Both run under the case's memory cap (memory_mib) as the process's
 * address space limit. When run() meets it (MemoryError) after the case
 * grew by a quarter of the cap since setup(), the verdict is a leak with
 * reason "grew into the memory cap"; a MemoryError without such growth
 * (one allocation too large) is an error.
 */
#ifndef LC_WORKER_H
#define LC_WORKER_H

#include <stddef.h>

#include "case.h"
#include "embed.h"
#include "result.h"

/* Start the interpreter; with faulthandler on (eo), SIGUSR2 makes it print
 * every thread's Python stack on stderr (the runner asks for it before a
 * timeout's kill). 0, or -1 with err filled. */
int lc_worker_start(const struct lc_embed_opts *eo, char *err, size_t errlen);

/* Start the interpreter (lc_worker_start), load the case, call its setup():
 * how every process that runs a case begins (the verdict worker, the explain
 * pass, the leak fuzzer). With faulthandler on (eo), SIGUSR2 makes it print
 * every thread's Python stack on stderr: the runner asks for it before a
 * timeout's kill. Each phase entered is announced on progress_fd (a PHASE
 * record, wire.h) when it is >= 0. 0, or -1 with *phase set and err
 * filled. */
int lc_worker_open(const struct lc_embed_opts *eo, const char *path,
                   int progress_fd, struct lc_script **out,
                   enum lc_phase *phase, char *err, size_t errlen);

/* Announce phase on fd (a PHASE record) when fd >= 0. */
void lc_worker_mark(int fd, enum lc_phase phase);

/* Fill *r (magic included) with the verdict on c, announcing phases on
 * progress_fd. Never exits; errors of the case become verdict "error" with
 * the phase and message set. */
void lc_worker_run(const struct lc_case *c, int progress_fd,
                   struct lc_result *r);

/* The whole worker: read the job from job_fd, run it, answer on
 * result_fd. Returns 0, or -LC_EWIRE when the job is unusable and
 * -LC_EIO when the answer cannot be sent. */
int lc_worker_main(int job_fd, int result_fd);

#endif
