#include "worker.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "explain.h"
#include "job.h"
#include "suite.h"
#include "verdict.h"
#include "wire.h"

static int explain_job(const struct lc_job *job, int result_fd)
{
    struct lc_explain_job ej = {
        .path = job->c.path,
        .warmup = job->c.warmup,
        .iterations = job->explain_iterations,
        .depth = job->explain_depth,
        .dot_path = job->dot_path[0] ? job->dot_path : NULL,
        .growing = job->growing,
        .progress_fd = result_fd,
    };
    struct lc_suite_explain test = {.c = &job->c, .sj = &job->suite};
    struct lc_explain_subject subject = {
        .test = job->c.id,
        .open = lc_suite_explain_open,
        .close = lc_suite_explain_close,
        .ctx = &test,
    };
    char *json = NULL, *text = NULL;
    int rc;

    memcpy(ej.per_iter, job->per_iter, sizeof(ej.per_iter));
    /* A suite's test (its id set) is repeated by the suite adapter */
    rc = job->c.id[0] ? lc_explain_run_subject(&ej, &subject, &json, &text)
                      : lc_explain_run(&ej, &json, &text);
    if (rc == 0)
        rc = lc_wire_send(result_fd, LC_WIRE_JSON, json, strlen(json));
    if (rc == 0)
        rc = lc_wire_send(result_fd, LC_WIRE_TEXT, text, strlen(text));
    free(json);
    free(text);
    return rc;
}

/* The case's memory cap as the worker's address space limit: a case that
 * keeps growing meets MemoryError there, never the machine's OOM killer. */
static void cap_memory(long mib)
{
    struct rlimit rl = {(rlim_t)mib << 20, (rlim_t)mib << 20};

    if (mib > 0)
        setrlimit(RLIMIT_AS, &rl);
}

/* A verdict job: one RESULT back. */
static int verdict_job(const struct lc_job *job, int result_fd)
{
    static struct lc_result r; /* big: a message and the readings */

    lc_verdict_run(&job->c, result_fd, &r);
    r.explain_json = r.explain_text = NULL;
    return lc_wire_send(result_fd, LC_WIRE_RESULT, &r, sizeof(r));
}

static int suite_collect_job(const struct lc_job *job, int result_fd)
{
    return lc_suite_collect(&job->c, &job->suite, result_fd);
}

static int suite_job(const struct lc_job *job, int result_fd)
{
    return lc_suite_judge(&job->c, &job->suite, result_fd);
}

/* The job table: what a worker does for each kind (job.h). */
typedef int job_fn(const struct lc_job *job, int result_fd);
static job_fn *const jobs[LC_JOB_COUNT] = {
#define LC_JOB_FN(id, fn) [LC_JOB_##id] = fn,
    LC_JOB_MAP(LC_JOB_FN)
#undef LC_JOB_FN
};

int lc_worker_main(int job_fd, int result_fd)
{
    static struct lc_job job; /* big: a case and a path */
    struct lc_wire_record rec;
    struct lc_buf b;
    int rc;

    /* A case's children must never hold the channel. */
    fcntl(job_fd, F_SETFD, FD_CLOEXEC);
    fcntl(result_fd, F_SETFD, FD_CLOEXEC);
    lc_buf_init(&b, LC_WIRE_HEADER_SIZE + sizeof(job));
    rc = lc_wire_recv(job_fd, &b, LC_WIRE_JOB, &rec);
    if (rc == 0)
        rc = lc_wire_copy(&rec, LC_WIRE_JOB, &job, sizeof(job));
    lc_buf_release(&b);
    close(job_fd);
    if (rc == 0 && (unsigned)job.kind >= LC_JOB_COUNT)
        rc = -LC_EWIRE;
    if (rc < 0)
        return rc;
    job.c.path[sizeof(job.c.path) - 1] = '\0';
    job.c.id[sizeof(job.c.id) - 1] = '\0';
    job.dot_path[sizeof(job.dot_path) - 1] = '\0';
    job.suite.out_path[sizeof(job.suite.out_path) - 1] = '\0';
    cap_memory(job.c.memory_mib);
    rc = jobs[job.kind](&job, result_fd);
    close(result_fd);
    return rc;
}
