#include "runner.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "clock.h"
#include "errors.h"
#include "job.h"
#include "keeper.h"
#include "lend.h"
#include "wire.h"

struct slot {
    pid_t pid;    /* the keeper (keeper.h); 0 when the slot is free */
    size_t index; /* the case it runs */
    size_t head;  /* the case whose verdict job answers for index: index,
                     or the first of its span */
    enum lc_job_kind kind;
    int out_fd;        /* result channel; -1 once at EOF */
    int err_fd;        /* the worker's stderr; -1 once at EOF */
    struct lc_buf out; /* bytes from out_fd, up to LC_WIRE_CHANNEL_MAX */
    bool overflow;     /* more came than out may hold */
    bool exited;       /* the keeper was reaped; status holds how */
    int status;        /* waitpid status of the keeper */
    double started;    /* monotonic seconds */
    double timeout_s;  /* wall time the job may take */
    bool timed_out;    /* the timeout passed: SIGUSR2 sent */
    double kill_at;    /* when the timed-out group gets SIGKILL */
    bool killed;       /* SIGKILL sent to the group */
    double ended_at;   /* when the keeper exited, for a stray's pipes */
    char tail[LC_STDERR_TAIL]; /* last bytes of the worker's stderr */
    size_t tail_len;
    bool span_job;       /* it answers for a span (suite.h) */
    size_t got;          /* a span's results taken as they came */
    enum lc_phase phase; /* of a span's last PHASE record */
};

/* A timed-out worker gets this long to print its Python stack (SIGUSR2,
 * faulthandler) before the kill. */
#define DUMP_GRACE_S 0.5

/* After its keeper exited, a worker's pipes may stay open this long (a
 * stray the runner is killing holds them); then they are closed. */
#define PIPE_GRACE_S 2.0

/* Longest sleep between two looks at the slots. A keeper that exits
 * wakes the runner at once (SIGCHLD, unblocked only inside ppoll); it is
 * reaped by waitpid(WNOHANG). */
#define MAX_WAIT_S 0.05

/* One call of lc_runner_run. */
struct run {
    const struct lc_case *cases;
    struct lc_result *results;
    size_t n;
    const struct lc_runner_opts *o;
    struct slot *slots;
    int jobs;
    size_t next;    /* the next case to start */
    size_t running; /* slots busy */
    char *tunables; /* GLIBC_TUNABLES=... for workers */
    /* Explain passes judged cases wait for, first come first started, in
     * any free slot before the next verdict job; owed[head]: the passes
     * of head's case (or span) not finished, and one for its verdict job
     * while it runs; the case is done at 0. */
    struct waiting {
        size_t k, head;
    } * queue;
    size_t qfirst, qlen;
    unsigned *owed;
    /* Spans as they are now: cases[i].span at first; a slice's worker
     * that took a lent slot gives its tests not begun back (lend.h), and
     * they become a span of their own, started before any case not started
     * yet (back: their first cases, in order of return). */
    unsigned *span;
    size_t *back;
    size_t bfirst, blen;
    struct lc_lend *lend; /* slots lent to suite slices (lend.h); NULL */
    int lend_fd;
};

/* GLIBC_TUNABLES for workers: the caller's setting plus ours. */
static char *worker_tunables(void)
{
    const char *old = getenv("GLIBC_TUNABLES");
    size_t n = strlen("GLIBC_TUNABLES=") + (old ? strlen(old) + 1 : 0) +
               strlen(LC_PROBES_TUNABLES) + 1;
    char *s = malloc(n);

    if (s)
        snprintf(s, n, "GLIBC_TUNABLES=%s%s%s", old ? old : "", old ? ":" : "",
                 LC_PROBES_TUNABLES);
    return s;
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* Where the worker finds its job and result descriptors: above the
 * descriptors a case is likely to touch by number (3..63, os.closerange,
 * pass_fds), below the soft limit, varied by process so no case can
 * count on one. */
static int channel_base(void)
{
    struct rlimit rl;
    long top = 1024;

    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)top)
        top = (long)rl.rlim_cur;
    if (top < 72)
        return 3;
    return 64 + (int)(getpid() % (top - 66));
}

/* The worker's side of spawn, in the keeper's child: never returns. The
 * runner is single-threaded, so anything is safe between fork and exec. */
static void exec_worker(const char *self, int job_fd, int res_fd, int err_fd,
                        const char *tunables)
{
    int base = channel_base(), devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    char jfd[16], rfd[16];
    char *argv[] = {(char *)self, "__worker", jfd, rfd, NULL};

    /* Until the worker's faulthandler takes it, a stack request is
     * ignored rather than fatal. */
    signal(SIGUSR2, SIG_IGN);
    if (devnull >= 0) {
        dup2(devnull, 0);
        dup2(devnull, 1);
    }
    dup2(err_fd, 2);
    /* The lowest free descriptors from base on, open across exec. */
    job_fd = fcntl(job_fd, F_DUPFD, base);
    res_fd = fcntl(res_fd, F_DUPFD, base);
    snprintf(jfd, sizeof(jfd), "%d", job_fd);
    snprintf(rfd, sizeof(rfd), "%d", res_fd);
    if (tunables)
        putenv((char *)tunables);
    execv(self, argv);
    dprintf(2, "leakcheck: cannot run %s: %s\n", self, strerror(errno));
    _exit(127);
}

/* What the worker's side of spawn needs. */
struct worker_fds {
    const char *self;
    int job_fd, res_fd, err_fd;
    const char *tunables;
};

static void start_worker(void *arg)
{
    const struct worker_fds *w = arg;

    exec_worker(w->self, w->job_fd, w->res_fd, w->err_fd, w->tunables);
}

/* Start a worker for job, its job already in the pipe it reads. */
static int spawn(struct run *rn, struct slot *sl, const struct lc_job *job,
                 double timeout_s)
{
    int jp[2] = {-1, -1}, rp[2] = {-1, -1}, ep[2] = {-1, -1};
    struct worker_fds worker;
    int rc = -LC_ESPAWN;
    pid_t pid;

    if (pipe2(jp, O_CLOEXEC) < 0 || pipe2(rp, O_CLOEXEC) < 0 ||
        pipe2(ep, O_CLOEXEC) < 0)
        goto out_close;
    /* A job is far smaller than a pipe's buffer: this never blocks. */
    _Static_assert(sizeof(*job) + LC_WIRE_HEADER_SIZE <= 32768,
                   "a job fits half of a pipe's 64 KiB buffer");
    if (lc_wire_send(jp[1], LC_WIRE_JOB, job, sizeof(*job)) < 0)
        goto out_close;
    close_fd(&jp[1]);
    worker = (struct worker_fds){rn->o->self_exe, jp[0], rp[1], ep[1],
                                 rn->tunables};
    pid = lc_keeper_spawn(start_worker, &worker);
    if (pid < 0)
        goto out_close;
    sl->pid = pid;
    sl->kind = job->kind;
    sl->out_fd = rp[0];
    sl->err_fd = ep[0];
    rp[0] = ep[0] = -1;
    lc_buf_clear(&sl->out);
    sl->got = 0;
    sl->phase = LC_PHASE_NONE;
    sl->overflow = false;
    sl->tail_len = 0;
    sl->timed_out = sl->killed = sl->exited = false;
    sl->started = lc_clock_now();
    sl->timeout_s = timeout_s;
    rc = 0;
out_close:
    for (int i = 0; i < 2; i++) {
        close_fd(&jp[i]);
        close_fd(&rp[i]);
        close_fd(&ep[i]);
    }
    return rc;
}

/* The DOT file for a case in folder dir: its path less ".py", with '/' as
 * '_', so cases of the same name in two folders do not collide. */
static void dot_path_for(const char *dir, const char *path, char *out,
                         size_t outlen)
{
    size_t len = strlen(path), n;

    if (len > 3 && strcmp(path + len - 3, ".py") == 0)
        len -= 3;
    for (;;) {
        if (len > 0 && path[0] == '/')
            path++, len--;
        else if (len > 1 && path[0] == '.' && path[1] == '/')
            path += 2, len -= 2;
        else
            break;
    }
    n = (size_t)snprintf(out, outlen, "%s/", dir);
    for (size_t i = 0; i < len && n + 5 < outlen; i++)
        out[n++] = path[i] == '/' ? '_' : path[i];
    snprintf(out + n, outlen - n, ".dot");
}

static int start(struct run *rn, struct slot *sl, size_t i,
                 enum lc_job_kind kind)
{
    static struct lc_job job; /* big; the runner is single-threaded */
    const struct lc_case *c = &rn->cases[i];
    const struct lc_result *r = &rn->results[i];
    const struct lc_runner_opts *o = rn->o;

    memset(&job, 0, sizeof(job));
    job.kind = kind;
    job.c = *c;
    sl->index = i;
    if (kind == LC_JOB_VERDICT) {
        sl->head = i;
        job.c.span = rn->span[i];
        sl->span_job = rn->span[i] > 1;
    }
    if (o->make_job)
        o->make_job(o->ctx, i, &job); /* suites: suite.h */
    if (kind == LC_JOB_VERDICT) {
        job.suite.lend_pid = (int)getpid();
        job.suite.lend_fd =
            job.kind == LC_JOB_SUITE && rn->lend ? rn->lend_fd : -1;
        job.suite.slot = (int)(sl - rn->slots);
        return spawn(rn, sl, &job, job.c.timeout_s);
    }
    job.explain_iterations = o->explain_opts.iterations;
    job.explain_depth = o->explain_opts.depth;
    if (o->explain_opts.dot_path) /* a test's by its id */
        dot_path_for(o->explain_opts.dot_path, c->id[0] ? c->id : c->path,
                     job.dot_path, sizeof(job.dot_path));
    job.growing = r->leaking;
    for (int s = 0; s < LC_SIG_COUNT; s++)
        job.per_iter[s] = r->trend[s].per_iter;
    return spawn(rn, sl, &job, o->explain_timeout_s);
}

static void keep_tail(struct slot *sl, const char *buf, size_t n)
{
    if (n >= sizeof(sl->tail)) {
        memcpy(sl->tail, buf + n - sizeof(sl->tail), sizeof(sl->tail));
        sl->tail_len = sizeof(sl->tail);
        return;
    }
    if (sl->tail_len + n > sizeof(sl->tail)) {
        size_t drop = sl->tail_len + n - sizeof(sl->tail);

        memmove(sl->tail, sl->tail + drop, sl->tail_len - drop);
        sl->tail_len -= drop;
    }
    memcpy(sl->tail + sl->tail_len, buf, n);
    sl->tail_len += n;
}

/* Read what is there on fd, one of the slot's. */
static void drain(struct slot *sl, int fd)
{
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof(buf));

    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) {
        close_fd(fd == sl->out_fd ? &sl->out_fd : &sl->err_fd);
        return;
    }
    if (fd == sl->err_fd)
        keep_tail(sl, buf, (size_t)n);
    else if (lc_buf_append(&sl->out, buf, (size_t)n) < 0)
        sl->overflow = true; /* read and dropped */
}

/* What a worker's channel held: the records, in order. */
struct answer {
    enum lc_phase phase;              /* of the last PHASE record */
    const struct lc_wire_record *rec; /* RESULT, JSON, TEXT: in order */
    struct lc_wire_record recs[2];
    int n; /* answer records seen */
};

static void take_record(void *ctx, const struct lc_wire_record *rec)
{
    struct answer *a = ctx;

    if (rec->type == LC_WIRE_RETURN)
        return; /* a span's, taken as it came (take_span_records) */
    if (rec->type == LC_WIRE_PHASE &&
        rec->len == sizeof(struct lc_wire_phase)) {
        struct lc_wire_phase ph;

        memcpy(&ph, rec->payload, sizeof(ph));
        if ((unsigned)ph.phase < LC_PHASE_COUNT)
            a->phase = ph.phase;
        return;
    }
    if (a->n < 2)
        a->recs[a->n] = *rec;
    a->n++;
}

/* Read the slot's channel: 0 when it is nothing but whole records. */
static int read_answer(const struct slot *sl, struct answer *a)
{
    long used;

    memset(a, 0, sizeof(*a));
    a->phase = LC_PHASE_NONE;
    if (sl->overflow)
        return -LC_EWIRE;
    used = lc_wire_each(sl->out.data ? sl->out.data : "", sl->out.len,
                        take_record, a);
    return used == (long)sl->out.len ? 0 : -LC_EWIRE;
}

/* How a worker that left no whole answer ended, for messages. */
static void describe_end(const struct slot *sl, enum lc_phase phase, char *how,
                         size_t len)
{
    if (sl->timed_out)
        snprintf(how, len,
                 "killed after the timeout of %g s, in %s (its Python stack, "
                 "when it could print it, is below)",
                 sl->timeout_s,
                 phase == LC_PHASE_NONE ? "start-up" : lc_phase_name(phase));
    else if (WIFSIGNALED(sl->status))
        snprintf(how, len, "killed by signal %d (%s)", WTERMSIG(sl->status),
                 strsignal(WTERMSIG(sl->status)));
    else
        snprintf(how, len, "exited with status %d before reporting",
                 WIFEXITED(sl->status) ? WEXITSTATUS(sl->status) : -1);
}

/* The one RESULT record the channel must hold; -LC_EWIRE otherwise. */
static int take_result(const struct answer *a, struct lc_result *r)
{
    if (a->n != 1 ||
        lc_wire_copy(&a->recs[0], LC_WIRE_RESULT, r, sizeof(*r)) < 0 ||
        r->magic != LC_RESULT_MAGIC ||
        (unsigned)r->verdict >= LC_VERDICT_COUNT ||
        (unsigned)r->phase >= LC_PHASE_COUNT)
        return -LC_EWIRE;
    r->message[sizeof(r->message) - 1] = '\0';
    r->explain_json = r->explain_text = NULL;
    return 0;
}

static void finish_verdict(struct slot *sl, struct lc_result *r);

static bool wants_explain(const struct lc_runner_opts *o,
                          const struct lc_result *r)
{
    return (o->explain == LC_EXPLAIN_LEAKS && r->verdict == LC_VERDICT_LEAK) ||
           (o->explain == LC_EXPLAIN_JUDGED &&
            (r->verdict == LC_VERDICT_LEAK || r->verdict == LC_VERDICT_CLEAN));
}

/* Cases a verdict job answers for: the case, or its span (suite.h). */
static size_t span_of(const struct run *rn, size_t head)
{
    size_t span = rn->span[head] > 1 ? rn->span[head] : 1;

    return head + span <= rn->n ? span : rn->n - head;
}

/* Queue case k's explain pass when its verdict wants one; head's case
 * (or span) then owes it. */
static void queue_explain(struct run *rn, size_t head, size_t k)
{
    if (!wants_explain(rn->o, &rn->results[k]))
        return;
    rn->queue[rn->qfirst + rn->qlen++] =
        (struct waiting){.k = k, .head = head};
    rn->owed[head]++;
}

/* What a span's record walk needs. */
struct span_answer {
    struct lc_result *results; /* the span's results not taken before */
    size_t n, got;             /* results in it, results taken */
    enum lc_phase phase;       /* of the last PHASE record */
    size_t before;             /* results taken before this walk */
    long keep;                 /* a RETURN record's, or 0 */
};

static void take_span_record(void *ctx, const struct lc_wire_record *rec)
{
    struct span_answer *a = ctx;
    struct lc_wire_phase ph;

    if (rec->type == LC_WIRE_PHASE && rec->len == sizeof(ph)) {
        memcpy(&ph, rec->payload, sizeof(ph));
        if ((unsigned)ph.phase < LC_PHASE_COUNT)
            a->phase = ph.phase;
        return;
    }
    if (rec->type == LC_WIRE_RETURN) {
        struct lc_wire_return ret;

        if (lc_wire_copy(rec, LC_WIRE_RETURN, &ret, sizeof(ret)) == 0 &&
            ret.keep >= (long)(a->before + a->got) &&
            ret.keep < (long)(a->before + a->n)) {
            a->keep = ret.keep; /* no result past it is taken */
            a->n = (size_t)ret.keep - a->before;
        }
        return;
    }
    if (a->got < a->n && take_result(&(struct answer){.n = 1, .recs = {*rec}},
                                     &a->results[a->got]) == 0)
        a->got++;
}

/* Slot sl's worker answers for its first keep cases only and gave the
 * rest of its span back (lend.h): they become a span of their own, to be
 * started before any case not started yet, and the slot's claim ends. */
static void take_back(struct run *rn, struct slot *sl, long keep)
{
    size_t head = sl->head, n = span_of(rn, head);

    rn->span[head + (size_t)keep] = (unsigned)(n - (size_t)keep);
    rn->span[head] = (unsigned)keep;
    rn->back[rn->bfirst + rn->blen++] = head + (size_t)keep;
}

/* A span's verdict job (suite.h) answers a RESULT record per case, in
 * order, as each is complete: take those whole in its channel now, and
 * queue their explain passes, which start in a free slot while the span
 * goes on (the span's worker sends a leak once confirmed, suite.c); a
 * RETURN record shortens the span (take_back). Taken bytes leave the
 * channel's buffer. */
static void take_span_records(struct run *rn, struct slot *sl)
{
    size_t head = sl->head, n = span_of(rn, head);
    struct span_answer a = {.results = &rn->results[head + sl->got],
                            .n = n - sl->got,
                            .phase = sl->phase,
                            .before = sl->got};
    long used;

    if (sl->kind == LC_JOB_EXPLAIN || !sl->span_job || sl->overflow ||
        sl->out.len == 0)
        return;
    used = lc_wire_each(sl->out.data, sl->out.len, take_span_record, &a);
    if (used <= 0)
        return; /* nothing whole yet, or not records: finish says */
    memmove(sl->out.data, sl->out.data + used, sl->out.len - (size_t)used);
    sl->out.len -= (size_t)used;
    sl->out.data[sl->out.len] = '\0';
    sl->phase = a.phase;
    for (size_t k = 0; k < a.got; k++)
        queue_explain(rn, head, head + sl->got + k);
    sl->got += a.got;
    if (a.keep > 0) {
        lc_lend_return(rn->lend, (int)(sl - rn->slots));
        take_back(rn, sl, a.keep);
    }
}

/* The span's job ended: the records left, then those the worker never
 * answered get its failure, as a case alone would. */
static void finish_span(struct run *rn, struct slot *sl)
{
    struct lc_result *results = &rn->results[sl->head];
    size_t n = span_of(rn, sl->head);
    struct lc_result fail;

    take_span_records(rn, sl);
    if (sl->got == n)
        return;
    /* As one case alone: the whole channel then reads as no result. */
    sl->out.len = 0;
    finish_verdict(sl, &fail);
    if (fail.phase == LC_PHASE_WORKER && sl->phase != LC_PHASE_NONE &&
        sl->timed_out)
        fail.phase = sl->phase;
    for (size_t i = sl->got; i < n; i++)
        results[i] = fail;
    sl->got = n;
}

static void finish_verdict(struct slot *sl, struct lc_result *r)
{
    bool exited = !sl->timed_out && WIFEXITED(sl->status);
    struct answer a;
    bool whole = read_answer(sl, &a) == 0;
    char how[192];

    if (exited && WEXITSTATUS(sl->status) == 0 && whole &&
        take_result(&a, r) == 0)
        return;
    describe_end(sl, a.phase, how, sizeof(how));
    memset(r, 0, sizeof(*r));
    if (sl->overflow)
        lc_result_fail(r, LC_VERDICT_CRASH, LC_PHASE_WORKER,
                       "the worker sent more than the %zu bytes its result "
                       "channel holds: the case wrote into it, or leakcheck "
                       "sized it too small (worker %s)\n%.*s",
                       sl->out.max, how, (int)sl->tail_len, sl->tail);
    else if (exited && (!whole || a.n > 0))
        lc_result_fail(r, LC_VERDICT_CRASH, LC_PHASE_WORKER,
                       "the result channel held %zu bytes that are not one "
                       "whole result record: the case wrote into it (worker "
                       "%s)\n%.*s",
                       sl->out.len, how, (int)sl->tail_len, sl->tail);
    else
        lc_result_fail(
            r, sl->timed_out ? LC_VERDICT_TIMEOUT : LC_VERDICT_CRASH,
            sl->timed_out && a.phase != LC_PHASE_NONE ? a.phase
                                                      : LC_PHASE_WORKER,
            "worker %s\n%.*s", how, (int)sl->tail_len, sl->tail);
    r->elapsed_s = lc_clock_now() - sl->started;
}

/* The JSON and TEXT records of an explain pass, as heap strings. */
static int take_explanation(const struct answer *a, char **json, char **text)
{
    if (a->n != 2 || a->recs[0].type != LC_WIRE_JSON ||
        a->recs[1].type != LC_WIRE_TEXT)
        return -LC_EWIRE;
    *json = strndup(a->recs[0].payload, a->recs[0].len);
    *text = strndup(a->recs[1].payload, a->recs[1].len);
    return *json && *text ? 0 : -LC_ENOMEM;
}

static void finish_explain(struct slot *sl, struct lc_result *r)
{
    struct answer a;
    struct lc_buf msg;
    char how[192];

    if (!sl->timed_out && read_answer(sl, &a) == 0 &&
        take_explanation(&a, &r->explain_json, &r->explain_text) == 0)
        return;
    free(r->explain_json);
    free(r->explain_text);
    r->explain_json = NULL;
    describe_end(sl, a.phase, how, sizeof(how));
    lc_buf_init(&msg, LC_MSG_MAX);
    lc_buf_printf(&msg, "explanation failed: the pass %s%s\n%.*s", how,
                  sl->timed_out ? "; --timeout gives it more" : "",
                  (int)sl->tail_len, sl->tail);
    r->explain_text = lc_buf_take(&msg);
}

/* The keeper was reaped and both pipes are done. Returns true when the
 * case (or span) is complete: its verdicts, and every explain pass they
 * asked for. */
static bool finish(struct run *rn, struct slot *sl)
{
    struct lc_result *r = &rn->results[sl->index];

    close_fd(&sl->out_fd);
    close_fd(&sl->err_fd);
    sl->pid = 0;
    if (sl->kind == LC_JOB_EXPLAIN) {
        finish_explain(sl, r);
        return --rn->owed[sl->head] == 0;
    }
    if (sl->span_job) {
        finish_span(rn, sl);
    } else {
        finish_verdict(sl, r);
        queue_explain(rn, sl->head, sl->index);
    }
    return --rn->owed[sl->head] == 0; /* the verdict job's own */
}

/* Case i is done, and the rest of its span (suite.h) with it. */
static void done(struct run *rn, size_t i)
{
    size_t span = rn->span[i] > 1 ? rn->span[i] : 1;

    for (size_t k = i; k < i + span && k < rn->n && rn->o->on_done; k++)
        rn->o->on_done(rn->o->ctx, k);
}

/* A span's cases after its first are never started by themselves. */
static void take_span(struct run *rn, size_t i)
{
    size_t span = rn->span[i];

    for (size_t k = i + 1; k < i + span && k < rn->n; k++) {
        memset(&rn->results[k], 0, sizeof(rn->results[k]));
        if (rn->o->on_start)
            rn->o->on_start(rn->o->ctx, k);
    }
    if (span > 1)
        rn->next = i + span < rn->n ? i + span : rn->n;
}

/* Start a waiting explain pass in the free slot sl; false when none
 * could start (a pass that cannot start gets no explanation). */
static bool start_explain(struct run *rn, struct slot *sl)
{
    while (rn->qlen > 0) {
        struct waiting w = rn->queue[rn->qfirst++];
        bool spent =
            rn->o->explain_until > 0 && lc_clock_now() >= rn->o->explain_until;

        rn->qlen--;
        sl->head = w.head;
        if (!spent && start(rn, sl, w.k, LC_JOB_EXPLAIN) == 0) {
            rn->running++;
            return true;
        }
        rn->results[w.k].explain_text =
            strdup(spent ? LC_EXPLAIN_OVER_BUDGET
                         : "explanation failed: cannot start a worker");
        if (--rn->owed[w.head] == 0)
            done(rn, w.head);
    }
    return false;
}

/* Start the span given back first (take_back) in the free slot sl: true
 * when it started; one that cannot start is a crash, as a case's. */
static bool start_back(struct run *rn, struct slot *sl)
{
    size_t i = rn->back[rn->bfirst++], n;

    rn->blen--;
    if (rn->o->on_start)
        rn->o->on_start(rn->o->ctx, i);
    rn->owed[i] = 1;
    if (start(rn, sl, i, LC_JOB_VERDICT) == 0) {
        rn->running++;
        return true;
    }
    n = span_of(rn, i);
    for (size_t k = i; k < i + n; k++)
        lc_result_fail(&rn->results[k], LC_VERDICT_CRASH, LC_PHASE_WORKER,
                       "cannot start a worker: %s", strerror(errno));
    done(rn, i);
    return false;
}

/* Whether anything waits for a slot. */
static bool waiting(const struct run *rn)
{
    return rn->next < rn->n || rn->qlen > 0 || rn->blen > 0;
}

/* Start explain passes, then spans given back, then cases, in free slots
 * not lent; with nothing left to start, offer the free slots to the
 * slices running (lend.h). */
static void fill(struct run *rn)
{
    int avail =
        rn->jobs - (int)rn->running - lc_lend_withdraw(rn->lend, rn->jobs);

    for (int j = 0; j < rn->jobs && avail > 0 && waiting(rn); j++) {
        struct slot *sl = &rn->slots[j];
        size_t i;

        if (sl->pid)
            continue;
        if (start_explain(rn, sl)) {
            avail--;
            continue;
        }
        if (rn->blen > 0) {
            if (start_back(rn, sl))
                avail--;
            else
                j--; /* the slot is still free */
            continue;
        }
        if (rn->next >= rn->n)
            break;
        i = rn->next++;
        if (rn->results[i].magic == LC_RESULT_MAGIC) {
            done(rn, i); /* judged already (a header error) */
            j--;         /* the slot is still free */
            continue;
        }
        if (rn->o->on_start)
            rn->o->on_start(rn->o->ctx, i);
        memset(&rn->results[i], 0, sizeof(rn->results[i]));
        take_span(rn, i);
        rn->owed[i] = 1; /* the verdict job's own, until it finishes */
        if (start(rn, sl, i, LC_JOB_VERDICT) < 0) {
            lc_result_fail(&rn->results[i], LC_VERDICT_CRASH, LC_PHASE_WORKER,
                           "cannot start a worker: %s", strerror(errno));
            for (size_t k = i + 1; k < rn->next; k++)
                rn->results[k] = rn->results[i]; /* the rest of a span */
            done(rn, i);
            j--;
            continue;
        }
        rn->running++;
        avail--;
    }
    if (avail > 0 && !waiting(rn))
        lc_lend_offer(rn->lend, avail);
}

/* The slot's keeper: reaped yet? A keeper gone while its pipes stay open
 * (a case killed its keeper) takes its group with it. */
static void reap(struct slot *sl, double t)
{
    if (sl->exited || waitpid(sl->pid, &sl->status, WNOHANG) != sl->pid)
        return;
    sl->exited = true;
    sl->ended_at = t;
    kill(-sl->pid, SIGKILL);
}

/* Timeouts: first SIGUSR2 to the group (the worker's faulthandler prints
 * its Python stack; the keeper ignores it), DUMP_GRACE_S later SIGKILL. */
static void enforce(struct slot *sl, double t)
{
    if (!sl->timed_out && t >= sl->started + sl->timeout_s) {
        sl->timed_out = true;
        sl->kill_at = t + DUMP_GRACE_S;
        kill(-sl->pid, SIGUSR2);
    }
    if (sl->timed_out && !sl->killed && t >= sl->kill_at) {
        sl->killed = true;
        kill(-sl->pid, SIGKILL);
        kill(sl->pid, SIGKILL);
    }
    if (sl->exited && t >= sl->ended_at + PIPE_GRACE_S) {
        close_fd(&sl->out_fd);
        close_fd(&sl->err_fd);
    }
}

/* The next moment watch() must look at sl again. */
static double next_look(const struct slot *sl)
{
    if (sl->exited)
        return sl->ended_at + PIPE_GRACE_S;
    if (sl->timed_out)
        return sl->killed ? lc_clock_now() + 0.05 : sl->kill_at;
    return sl->started + sl->timeout_s;
}

/* Enforce timeouts, finish what ended, kill orphans, and list the
 * descriptors to wait on; *wait_s becomes the time to the next look. */
static int watch(struct run *rn, struct pollfd *pfd, int *map, double *wait_s)
{
    pid_t known[LC_JOBS_MAX];
    double t = lc_clock_now();
    int npfd = 0, nknown = 0;

    for (int j = 0; j < rn->jobs; j++) {
        struct slot *sl = &rn->slots[j];

        if (!sl->pid)
            continue;
        reap(sl, t);
        enforce(sl, t);
        if (sl->exited && sl->out_fd < 0 && sl->err_fd < 0) {
            bool complete = finish(rn, sl);

            *wait_s = 0;
            rn->running--;
            lc_lend_forget(rn->lend, j); /* its tree is gone: its claims */
            if (complete)
                done(rn, sl->head);
            continue;
        }
        if (next_look(sl) - t < *wait_s)
            *wait_s = next_look(sl) - t;
        for (int k = 0; k < 2; k++) {
            int fd = k ? sl->err_fd : sl->out_fd;

            if (fd < 0)
                continue;
            pfd[npfd] = (struct pollfd){.fd = fd, .events = POLLIN};
            map[npfd++] = j;
        }
    }
    for (int j = 0; j < rn->jobs; j++)
        if (rn->slots[j].pid)
            known[nknown++] = rn->slots[j].pid;
    lc_keeper_kill_strays(known, (size_t)nknown);
    return npfd;
}

static volatile sig_atomic_t stop_signal; /* the first one that came */

static void on_child(int sig)
{
    (void)sig; /* only to end ppoll with EINTR */
}

static void on_stop(int sig)
{
    if (!stop_signal)
        stop_signal = sig;
}

int lc_runner_interrupted(void)
{
    return stop_signal;
}

/* The run was stopped by stop_signal: kill every worker's tree, and say of
 * each case not done that it was cut short or never started. */
static void cut_short(struct run *rn)
{
    const char *sig = sigabbrev_np(stop_signal);

    for (int j = 0; j < rn->jobs; j++) {
        struct slot *sl = &rn->slots[j];
        struct lc_result *r = &rn->results[sl->index];

        if (!sl->pid)
            continue;
        kill(-sl->pid, SIGKILL);
        kill(sl->pid, SIGKILL);
        if (!sl->exited)
            waitpid(sl->pid, NULL, 0);
        close_fd(&sl->out_fd);
        close_fd(&sl->err_fd);
        sl->pid = 0;
        if (sl->kind == LC_JOB_EXPLAIN) { /* its case was judged */
            r->explain_text = strdup("explanation cut short by the "
                                     "interrupt");
            if (--rn->owed[sl->head] == 0)
                done(rn, sl->head);
            continue;
        }
        for (size_t k = sl->got; k < span_of(rn, sl->index); k++)
            lc_result_fail(r + k, LC_VERDICT_ERROR, LC_PHASE_INTERRUPTED,
                           "cut short by SIG%s after %.1f s, before its "
                           "verdict",
                           sig ? sig : "?", lc_clock_now() - sl->started);
        if (--rn->owed[sl->head] == 0)
            done(rn, sl->head);
    }
    for (; rn->qlen > 0; rn->qlen--, rn->qfirst++) {
        struct waiting w = rn->queue[rn->qfirst];

        rn->results[w.k].explain_text =
            strdup("explanation not started: the run was interrupted");
        if (--rn->owed[w.head] == 0)
            done(rn, w.head);
    }
    for (; rn->blen > 0; rn->blen--) {
        size_t i = rn->back[rn->bfirst++];

        for (size_t k = i; k < i + span_of(rn, i); k++)
            lc_result_fail(&rn->results[k], LC_VERDICT_ERROR,
                           LC_PHASE_INTERRUPTED,
                           "not started: the run was interrupted by SIG%s",
                           sig ? sig : "?");
        done(rn, i);
    }
    for (; rn->next < rn->n; rn->next++) {
        if (rn->results[rn->next].magic != LC_RESULT_MAGIC)
            lc_result_fail(&rn->results[rn->next], LC_VERDICT_ERROR,
                           LC_PHASE_INTERRUPTED,
                           "not started: the run was interrupted by SIG%s",
                           sig ? sig : "?");
        if (rn->o->on_done) /* one by one: a span never started */
            rn->o->on_done(rn->o->ctx, rn->next);
    }
}

/* No slot is busy: kill and reap every child left, for up to a second.
 * Orphans of killed keepers come to the runner (a subreaper) only as their
 * parents die, one generation at a time. */
static void sweep_orphans(void)
{
    double end = lc_clock_now() + 1.0;
    struct timespec pause = {0, 5 * 1000 * 1000};

    do {
        int left = lc_keeper_kill_strays(NULL, 0);

        while (waitpid(-1, NULL, WNOHANG) > 0)
            ;
        if (left == 0)
            return;
        nanosleep(&pause, NULL);
    } while (lc_clock_now() < end);
}

static void release(struct run *rn)
{
    for (int j = 0; rn->slots && j < rn->jobs; j++)
        lc_buf_release(&rn->slots[j].out);
    free(rn->slots);
    free(rn->tunables);
    free(rn->queue);
    free(rn->owed);
    free(rn->span);
    free(rn->back);
    lc_lend_unmap(rn->lend);
    if (rn->lend_fd >= 0)
        close(rn->lend_fd);
}

int lc_runner_run(const struct lc_case *cases, struct lc_result *results,
                  size_t n, const struct lc_runner_opts *o)
{
    struct run rn = {
        .cases = cases, .results = results, .n = n, .o = o, .lend_fd = -1};
    struct sigaction stop = {.sa_handler = on_stop}, old[3];
    struct sigaction child = {.sa_handler = on_child}, old_child;
    static const int stops[3] = {SIGINT, SIGTERM, SIGHUP};
    sigset_t chld, old_mask, in_poll;
    bool spans = false;
    int rc = 0;

    rn.jobs = o->jobs < 1 ? 1 : o->jobs > LC_JOBS_MAX ? LC_JOBS_MAX : o->jobs;
    rn.tunables = worker_tunables();
    rn.slots = calloc((size_t)rn.jobs, sizeof(*rn.slots));
    rn.queue = calloc(n + 1, sizeof(*rn.queue));
    rn.owed = calloc(n + 1, sizeof(*rn.owed));
    rn.span = calloc(n + 1, sizeof(*rn.span));
    rn.back = calloc(n + 1, sizeof(*rn.back));
    if (!rn.slots || !rn.tunables || !rn.queue || !rn.owed || !rn.span ||
        !rn.back) {
        release(&rn);
        return -LC_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        rn.span[i] = cases[i].span;
        spans = spans || cases[i].span > 1;
    }
    if (spans && rn.jobs > 1 && lc_lend_create(&rn.lend, &rn.lend_fd) < 0)
        rn.lend = NULL; /* no lending: each slice judges its own tests */
    for (int j = 0; j < rn.jobs; j++)
        lc_buf_init(&rn.slots[j].out,
                    LC_WIRE_SUITE_CHANNEL_MAX > LC_WIRE_CHANNEL_MAX
                        ? LC_WIRE_SUITE_CHANNEL_MAX
                        : LC_WIRE_CHANNEL_MAX);
    lc_keeper_adopt_orphans();
    stop_signal = 0;
    for (int k = 0; k < 3; k++)
        sigaction(stops[k], &stop, &old[k]);
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, &old_mask);
    in_poll = old_mask;
    sigdelset(&in_poll, SIGCHLD);
    sigaction(SIGCHLD, &child, &old_child);
    while ((waiting(&rn) || rn.running > 0) && !stop_signal) {
        struct pollfd pfd[2 * LC_JOBS_MAX];
        int map[2 * LC_JOBS_MAX], npfd;
        double wait_s = 1.0;

        fill(&rn);
        npfd = watch(&rn, pfd, map, &wait_s);
        if (wait_s > MAX_WAIT_S)
            wait_s = MAX_WAIT_S; /* keepers are reaped by looking */
        if (ppoll(pfd, (nfds_t)npfd,
                  &(struct timespec){0, wait_s > 0 ? (long)(wait_s * 1e9) : 0},
                  &in_poll) < 0) {
            if (errno == EINTR)
                continue;
            rc = -LC_ESPAWN;
            stop_signal = stop_signal ? stop_signal : SIGTERM;
            break; /* cut short below: no worker is left running */
        }
        for (int k = 0; k < npfd; k++)
            if (pfd[k].revents & (POLLIN | POLLHUP | POLLERR)) {
                drain(&rn.slots[map[k]], pfd[k].fd);
                take_span_records(&rn, &rn.slots[map[k]]);
            }
    }
    if (stop_signal) {
        cut_short(&rn);
        rc = rc ? rc : -LC_EINTR;
    }
    sweep_orphans();
    sigaction(SIGCHLD, &old_child, NULL);
    sigprocmask(SIG_SETMASK, &old_mask, NULL);
    for (int k = 0; k < 3; k++)
        sigaction(stops[k], &old[k], NULL);
    release(&rn);
    return rc;
}
