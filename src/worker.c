#include "worker.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "errors.h"
#include "explain.h"
#include "measure.h"
#include "plan.h"
#include "probes.h"
#include "wire.h"

void lc_worker_mark(int fd, enum lc_phase phase)
{
    struct lc_wire_phase ph = {phase};

    if (fd >= 0)
        lc_wire_send(fd, LC_WIRE_PHASE, &ph, sizeof(ph));
}

/* faulthandler.register(SIGUSR2): the stack the runner asks for before it
 * kills a case that hangs. Allocates, before anything is measured. */
static const char dump_on_request[] =
    "import faulthandler as _f, signal as _s\n"
    "_f.register(_s.SIGUSR2, all_threads=True)\n"
    "del _f, _s\n";

int lc_worker_start(const struct lc_embed_opts *eo, char *err, size_t errlen)
{
    if (lc_embed_start(eo, err, errlen) ||
        (!eo->no_faulthandler && lc_embed_exec(dump_on_request, err, errlen)))
        return -1;
    return 0;
}

int lc_worker_open(const struct lc_embed_opts *eo, const char *path,
                   int progress_fd, struct lc_script **out,
                   enum lc_phase *phase, char *err, size_t errlen)
{
    *out = NULL;
    *phase = LC_PHASE_WORKER;
    if (lc_worker_start(eo, err, errlen))
        return -1;
    *phase = LC_PHASE_LOAD;
    lc_worker_mark(progress_fd, *phase);
    if (lc_script_load(path, out, err, errlen))
        return -1;
    *phase = LC_PHASE_SETUP;
    lc_worker_mark(progress_fd, *phase);
    if (lc_script_call(*out, LC_ENTRY_SETUP, err, errlen)) {
        lc_script_free(*out);
        *out = NULL;
        return -1;
    }
    *phase = LC_PHASE_NONE;
    return 0;
}

struct run_ctx {
    struct lc_script *script;
    struct lc_result *r;
};

/* One iteration of the measured loop. */
static int call_run(void *ctx)
{
    struct run_ctx *rc = ctx;

    rc->r->iterations++;
    return lc_script_call(rc->script, LC_ENTRY_RUN, rc->r->message,
                          sizeof(rc->r->message));
}

/* run() raised MemoryError under the case's cap: a leak when the case had
 * grown by a quarter of the cap since setup(), else one allocation that
 * does not fit (an error). Reads without a collection: memory is short. */
static void judge_cap(const struct lc_case *c, const struct lc_sample *base,
                      struct lc_result *r)
{
    static const enum lc_signal grow[] = {LC_SIG_PY_BLOCKS, LC_SIG_PY_BYTES,
                                          LC_SIG_NATIVE};
    int64_t cap = (int64_t)c->memory_mib << 20, grew = 0;
    struct lc_sample now;

    lc_probes_read(&now, LC_SIG_ALL & ~(1u << LC_SIG_REFS));
    grew = (now.v[LC_SIG_PY_BYTES] - base->v[LC_SIG_PY_BYTES]) +
           (now.v[LC_SIG_NATIVE] - base->v[LC_SIG_NATIVE]);
    if (c->memory_mib <= 0 || grew * 4 < cap) {
        char tb[LC_MSG_MAX];
        size_t room, len;
        int n;

        memcpy(tb, r->message, sizeof(tb));
        n = snprintf(r->message, sizeof(r->message),
                     "MemoryError under the memory cap of %ld MiB, with %lld "
                     "MiB grown since setup(): one allocation too large, not "
                     "growth (memory= or --memory raises the cap)\n",
                     c->memory_mib, (long long)(grew >> 20));
        /* The traceback's end (its last line) is what must stay. */
        room = sizeof(r->message) - (size_t)n - 1;
        len = strlen(tb);
        memcpy(r->message + n, tb + (len > room ? len - room : 0),
               len > room ? room : len);
        r->message[(size_t)n + (len > room ? room : len)] = '\0';
        r->verdict = LC_VERDICT_ERROR;
        r->phase = LC_PHASE_RUN;
        return;
    }
    r->verdict = LC_VERDICT_LEAK;
    r->phase = LC_PHASE_NONE;
    r->reason = LC_PLAN_MEMORY_CAP;
    for (size_t i = 0; i < sizeof(grow) / sizeof(grow[0]); i++) {
        int64_t d = now.v[grow[i]] - base->v[grow[i]];

        if (d <= 0 || (double)d / (double)r->iterations <
                          lc_signal_info(grow[i])->min_rate)
            continue;
        r->leaking |= 1u << grow[i];
        r->trend[grow[i]].total = d;
        r->trend[grow[i]].per_iter = (double)d / (double)r->iterations;
        r->state[grow[i]] = LC_TREND_GROWING;
    }
    snprintf(r->message, sizeof(r->message),
             "grew by %lld MiB in %ld iterations into the memory cap of %ld "
             "MiB (memory= or --memory sets it)",
             (long long)(grew >> 20), r->iterations, c->memory_mib);
}

/* Warm-up, then the measured loop; 0 or -1 with r's error set. */
static int judge(const struct lc_case *c, struct lc_script *script,
                 struct lc_measure *m, struct lc_result *r)
{
    struct run_ctx ctx = {script, r};
    struct lc_plan_opts po;
    struct lc_sample base;
    int rc = 0;

    lc_probes_read(&base, LC_SIG_ALL & ~(1u << LC_SIG_REFS));
    for (long i = 0; i < c->warmup && rc == 0; i++)
        rc = call_run(&ctx);
    lc_plan_opts_default(&po, c->iterations, c->signals);
    if (rc == 0)
        rc = lc_measure_run(m, &po, call_run, &ctx, c->time_s);
    if (rc == -LC_ENOMEM) {
        r->measured = m->plan.n ? m->plan.t[m->plan.n - 1] : 0;
        judge_cap(c, &base, r);
        return 0;
    }
    if (rc)
        return -1;
    lc_result_take_plan(r, &m->plan, "raise time= or make run() cheaper");
    r->domains_measured = lc_measure_domains(m, r->domains);
    return 0;
}

void lc_worker_run(const struct lc_case *c, int progress_fd,
                   struct lc_result *r)
{
    struct lc_embed_opts eo = {.hooks = true};
    struct lc_script *script = NULL;
    struct lc_measure m;
    enum lc_phase phase;
    double t0 = lc_clock_now();

    memset(r, 0, sizeof(*r));
    r->magic = LC_RESULT_MAGIC;
    r->verdict = LC_VERDICT_ERROR;
    /* The plan's storage, before anything runs. */
    if (lc_measure_init(&m, c->iterations) < 0) {
        lc_result_fail(r, LC_VERDICT_ERROR, LC_PHASE_WORKER,
                       "out of memory for the readings of %ld iterations",
                       c->iterations);
        goto out;
    }
    if (lc_worker_open(&eo, c->path, progress_fd, &script, &phase, r->message,
                       sizeof(r->message))) {
        r->phase = phase;
        goto out_release;
    }
    lc_worker_mark(progress_fd, LC_PHASE_RUN);
    if (judge(c, script, &m, r)) {
        r->verdict = LC_VERDICT_ERROR;
        r->phase = LC_PHASE_RUN;
        goto out_script;
    }
    /* After the memory cap, teardown() would meet it too: not called. */
    if (r->verdict == LC_VERDICT_ERROR || r->reason == LC_PLAN_MEMORY_CAP)
        goto out_script;
    r->gc_enabled = lc_embed_gc_enabled();
    lc_worker_mark(progress_fd, LC_PHASE_TEARDOWN);
    if (lc_script_call(script, LC_ENTRY_TEARDOWN, r->message,
                       sizeof(r->message))) {
        r->verdict = LC_VERDICT_ERROR;
        r->phase = LC_PHASE_TEARDOWN;
    }
out_script:
    lc_script_free(script);
out_release:
    lc_measure_release(&m);
out:
    r->elapsed_s = lc_clock_now() - t0;
}

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
    char *json = NULL, *text = NULL;
    int rc;

    memcpy(ej.per_iter, job->per_iter, sizeof(ej.per_iter));
    rc = lc_explain_run(&ej, &json, &text);
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

int lc_worker_main(int job_fd, int result_fd)
{
    static struct lc_job job; /* big: a case and a path */
    static struct lc_result r;
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
    if (rc < 0)
        return rc;
    job.c.path[sizeof(job.c.path) - 1] = '\0';
    job.dot_path[sizeof(job.dot_path) - 1] = '\0';
    cap_memory(job.c.memory_mib);
    job.suite.out_path[sizeof(job.suite.out_path) - 1] = '\0';
    if (job.kind == LC_JOB_SUITE_COLLECT) {
        rc = lc_suite_collect(&job.c, &job.suite, result_fd); /* suite.h */
    } else if (job.kind == LC_JOB_SUITE) {
        rc = lc_suite_judge(&job.c, &job.suite, result_fd);
    } else if (job.kind == LC_JOB_EXPLAIN) {
        rc = explain_job(&job, result_fd);
    } else {
        lc_worker_run(&job.c, result_fd, &r);
        r.explain_json = r.explain_text = NULL;
        rc = lc_wire_send(result_fd, LC_WIRE_RESULT, &r, sizeof(r));
    }
    close(result_fd);
    return rc;
}
