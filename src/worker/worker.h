/*
 * worker.h - the worker side of the process boundary: run one job in this
 * process and send back what it found.
 *
 * A worker is this program re-executed by the runner as
 * `leakcheck __worker JOBFD RESULTFD`. It reads one job (wire.h), runs it,
 * answers on RESULTFD and exits; one interpreter per process.
 *
 * The job table (LC_JOB_MAP, job.h) says what each kind runs: a verdict
 * (verdict.h), the explain pass (explain.h), a suite's collection or its
 * judging (suite.h). Every job runs under the case's memory cap
 * (memory_mib) as the process's address space limit.
 */
#ifndef LC_WORKER_H
#define LC_WORKER_H

#include <stddef.h>

/* The whole worker: read the job from job_fd, run it, answer on
 * result_fd. Returns 0, or -LC_EWIRE when the job is unusable and
 * -LC_EIO when the answer cannot be sent. */
int lc_worker_main(int job_fd, int result_fd);

#endif
