#include "runner.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "errors.h"
#include "probes.h"
#include "worker.h"

#define RESULT_FD 3

enum phase {
    PHASE_VERDICT, /* the case's worker: a struct lc_result comes back */
    PHASE_EXPLAIN, /* the explain pass: two length-prefixed records */
};

struct slot {
    pid_t pid;        /* 0 when the slot is free */
    size_t index;     /* the case it runs */
    enum phase phase;
    int out_fd;       /* -1 once at EOF */
    int err_fd;       /* -1 once at EOF */
    char *out;        /* bytes from out_fd */
    size_t got, cap;  /* bytes received, bytes out can hold */
    double started;   /* monotonic seconds */
    double deadline;  /* monotonic seconds */
    bool timed_out;
    char tail[LC_STDERR_TAIL]; /* last bytes of the worker's stderr */
    size_t tail_len;
};

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* GLIBC_TUNABLES for workers: the caller's setting plus ours. */
static char *worker_tunables(void)
{
    const char *old = getenv("GLIBC_TUNABLES");
    size_t n = strlen("GLIBC_TUNABLES=") + (old ? strlen(old) + 1 : 0) +
               strlen(LC_PROBES_TUNABLES) + 1;
    char *s = malloc(n);

    if (s)
        snprintf(s, n, "GLIBC_TUNABLES=%s%s%s", old ? old : "",
                 old ? ":" : "", LC_PROBES_TUNABLES);
    return s;
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* Start argv (argv[0] the program) with the result pipe on descriptor 3. */
static int spawn(struct slot *sl, char *const argv[], double timeout_s,
                 const char *tunables)
{
    int rp[2], ep[2];
    pid_t pid;

    if (pipe2(rp, O_CLOEXEC) < 0)
        return -LC_ESPAWN;
    if (pipe2(ep, O_CLOEXEC) < 0) {
        close(rp[0]);
        close(rp[1]);
        return -LC_ESPAWN;
    }
    pid = fork();
    if (pid < 0) {
        close(rp[0]);
        close(rp[1]);
        close(ep[0]);
        close(ep[1]);
        return -LC_ESPAWN;
    }
    if (pid == 0) {
        /* Child: only async-signal-safe calls until exec. */
        int devnull = open("/dev/null", O_RDWR);

        setpgid(0, 0);
        if (devnull >= 0) {
            dup2(devnull, 0);
            dup2(devnull, 1);
        }
        dup2(ep[1], 2);
        dup2(rp[1], RESULT_FD);
        if (tunables)
            putenv((char *)tunables);
        execv(argv[0], argv);
        dprintf(2, "leakcheck: cannot run %s: %s\n", argv[0],
                strerror(errno));
        _exit(127);
    }
    close(rp[1]);
    close(ep[1]);
    sl->pid = pid;
    sl->out_fd = rp[0];
    sl->err_fd = ep[0];
    sl->got = 0;
    sl->tail_len = 0;
    sl->timed_out = false;
    sl->started = now_s();
    sl->deadline = sl->started + timeout_s;
    return 0;
}

static int start_verdict(struct slot *sl, const struct lc_case *c,
                         const struct lc_runner_opts *o, const char *tunables)
{
    char warmup[32], iters[32], budget[32], sigs[32];
    char *argv[] = {(char *)o->self_exe, "__worker", warmup, iters, budget,
                    sigs, (char *)c->path, NULL};

    snprintf(warmup, sizeof(warmup), "%ld", c->warmup);
    snprintf(iters, sizeof(iters), "%ld", c->iterations);
    snprintf(budget, sizeof(budget), "%.17g", c->time_s);
    snprintf(sigs, sizeof(sigs), "%u", c->signals);
    sl->phase = PHASE_VERDICT;
    return spawn(sl, argv, c->timeout_s, tunables);
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

static int start_explain(struct slot *sl, const struct lc_case *c,
                         const struct lc_result *r,
                         const struct lc_runner_opts *o, const char *tunables)
{
    struct lc_explain_opts eo = o->explain_opts;
    char growth[LC_GROWTH_ARG_MAX], nums[4][32], dot[LC_PATH_MAX];
    const char *args[LC_EXPLAIN_ARGC];
    char *argv[LC_EXPLAIN_ARGC + 3];

    if (eo.dot_path) {
        dot_path_for(eo.dot_path, c->path, dot, sizeof(dot));
        eo.dot_path = dot;
    }
    lc_explain_args(c, r, &eo, growth, nums, args);
    argv[0] = (char *)o->self_exe;
    argv[1] = "__explain";
    for (int i = 0; i < LC_EXPLAIN_ARGC; i++)
        argv[2 + i] = (char *)args[i];
    argv[LC_EXPLAIN_ARGC + 2] = NULL;
    sl->phase = PHASE_EXPLAIN;
    return spawn(sl, argv, o->explain_timeout_s, tunables);
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

static void drain(struct slot *sl, int fd)
{
    char buf[4096];
    ssize_t n;

    if (fd == sl->out_fd) {
        /* Output past the slot's bound is read and dropped. */
        size_t room = sl->cap - sl->got;

        n = room ? read(fd, sl->out + sl->got, room) : read(fd, buf, 1);
        if (n > 0 && room)
            sl->got += (size_t)n;
        else if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
            close_fd(&sl->out_fd);
        return;
    }
    n = read(fd, buf, sizeof(buf));
    if (n > 0)
        keep_tail(sl, buf, (size_t)n);
    else if (n == 0 || (errno != EINTR && errno != EAGAIN))
        close_fd(&sl->err_fd);
}

/* How a worker that left no whole output ended, for messages. */
static void describe_end(const struct slot *sl, int status, char *how,
                         size_t len, double timeout_s)
{
    if (sl->timed_out)
        snprintf(how, len, "killed after the timeout of %g s", timeout_s);
    else if (WIFSIGNALED(status))
        snprintf(how, len, "killed by signal %d (%s)", WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
    else
        snprintf(how, len, "exited with status %d before reporting",
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

static void finish_verdict(struct slot *sl, int status, struct lc_result *r,
                           const struct lc_case *c)
{
    char how[128];

    if (!sl->timed_out && sl->got == sizeof(*r) && WIFEXITED(status) &&
        WEXITSTATUS(status) == 0) {
        memcpy(r, sl->out, sizeof(*r));
        if (r->magic == LC_RESULT_MAGIC) {
            r->explain_json = r->explain_text = NULL;
            return;
        }
    }
    describe_end(sl, status, how, sizeof(how), c->timeout_s);
    memset(r, 0, sizeof(*r));
    r->magic = LC_RESULT_MAGIC;
    r->verdict = sl->timed_out ? LC_VERDICT_TIMEOUT : LC_VERDICT_CRASH;
    r->elapsed_s = now_s() - sl->started;
    snprintf(r->phase, sizeof(r->phase), "worker");
    snprintf(r->message, sizeof(r->message), "worker %s\n%.*s", how,
             (int)sl->tail_len, sl->tail);
}

static void finish_explain(struct slot *sl, int status, struct lc_result *r,
                           const struct lc_runner_opts *o)
{
    char how[128];
    size_t n;

    if (!sl->timed_out &&
        lc_explain_parse(sl->out, sl->got, &r->explain_json,
                         &r->explain_text) == 0)
        return;
    describe_end(sl, status, how, sizeof(how), o->explain_timeout_s);
    n = strlen(how) + sl->tail_len + 64;
    r->explain_text = malloc(n);
    if (r->explain_text)
        snprintf(r->explain_text, n, "explanation failed: the pass %s\n%.*s",
                 how, (int)sl->tail_len, sl->tail);
}

static bool wants_explain(const struct lc_runner_opts *o,
                          const struct lc_result *r)
{
    return (o->explain == LC_EXPLAIN_LEAKS &&
            r->verdict == LC_VERDICT_LEAK) ||
           (o->explain == LC_EXPLAIN_JUDGED &&
            (r->verdict == LC_VERDICT_LEAK ||
             r->verdict == LC_VERDICT_CLEAN));
}

/* The worker has closed both pipes or was killed: reap it. Returns true
 * when the case is complete, false when its explain pass was started. */
static bool finish(struct slot *sl, struct lc_result *r,
                   const struct lc_case *c, const struct lc_runner_opts *o,
                   const char *tunables)
{
    int status = 0;

    while (waitpid(sl->pid, &status, 0) < 0 && errno == EINTR)
        ;
    close_fd(&sl->out_fd);
    close_fd(&sl->err_fd);
    sl->pid = 0;
    if (sl->phase == PHASE_EXPLAIN) {
        finish_explain(sl, status, r, o);
        return true;
    }
    finish_verdict(sl, status, r, c);
    if (!wants_explain(o, r))
        return true;
    return start_explain(sl, c, r, o, tunables) < 0;
}

/* Make the slot's output buffer fit its phase. */
static int size_output(struct slot *sl, size_t need)
{
    if (sl->cap < need) {
        char *p = realloc(sl->out, need);

        if (!p)
            return -LC_ENOMEM;
        sl->out = p;
        sl->cap = need;
    }
    return 0;
}

int lc_runner_run(const struct lc_case *cases, struct lc_result *results,
                  size_t n, const struct lc_runner_opts *o)
{
    struct slot *slots;
    int jobs = o->jobs < 1 ? 1 : o->jobs > LC_JOBS_MAX ? LC_JOBS_MAX : o->jobs;
    size_t next = 0, running = 0;
    char *tunables = worker_tunables();
    int rc = 0;

    slots = calloc((size_t)jobs, sizeof(*slots));
    if (!slots) {
        free(tunables);
        return -LC_ENOMEM;
    }
    for (int j = 0; j < jobs; j++)
        if (size_output(&slots[j], o->explain == LC_EXPLAIN_NONE
                                       ? sizeof(struct lc_result)
                                       : LC_EXPLAIN_OUTPUT_MAX) < 0) {
            rc = -LC_ENOMEM;
            goto out_free;
        }
    while (next < n || running > 0) {
        struct pollfd pfd[2 * LC_JOBS_MAX];
        int map[2 * LC_JOBS_MAX], npfd = 0;
        double t = now_s(), wait_s = 1.0;

        /* Fill free slots. */
        for (int j = 0; j < jobs && next < n; j++) {
            size_t i;

            if (slots[j].pid)
                continue;
            i = next++;
            if (results[i].magic == LC_RESULT_MAGIC) {
                if (o->on_done)
                    o->on_done(o->ctx, i);
                j--; /* the slot is still free */
                continue;
            }
            if (o->on_start)
                o->on_start(o->ctx, i);
            memset(&results[i], 0, sizeof(results[i]));
            if (start_verdict(&slots[j], &cases[i], o, tunables) < 0) {
                results[i].magic = LC_RESULT_MAGIC;
                results[i].verdict = LC_VERDICT_CRASH;
                snprintf(results[i].phase, sizeof(results[i].phase),
                         "worker");
                snprintf(results[i].message, sizeof(results[i].message),
                         "cannot start a worker: %s", strerror(errno));
                if (o->on_done)
                    o->on_done(o->ctx, i);
                continue;
            }
            slots[j].index = i;
            running++;
        }

        for (int j = 0; j < jobs; j++) {
            struct slot *sl = &slots[j];

            if (!sl->pid)
                continue;
            if (!sl->timed_out && t >= sl->deadline) {
                sl->timed_out = true;
                kill(-sl->pid, SIGKILL);
                kill(sl->pid, SIGKILL);
                close_fd(&sl->out_fd);
                close_fd(&sl->err_fd);
            }
            if (sl->out_fd < 0 && sl->err_fd < 0) {
                size_t i = sl->index;

                wait_s = 0;
                if (!finish(sl, &results[i], &cases[i], o, tunables))
                    continue; /* its explain pass runs in this slot now */
                running--;
                if (o->on_done)
                    o->on_done(o->ctx, i);
                continue;
            }
            if (sl->deadline - t < wait_s)
                wait_s = sl->deadline - t;
            if (sl->out_fd >= 0) {
                pfd[npfd] = (struct pollfd){.fd = sl->out_fd,
                                            .events = POLLIN};
                map[npfd++] = j;
            }
            if (sl->err_fd >= 0) {
                pfd[npfd] = (struct pollfd){.fd = sl->err_fd,
                                            .events = POLLIN};
                map[npfd++] = j;
            }
        }
        if (npfd == 0)
            continue;
        if (poll(pfd, (nfds_t)npfd,
                 wait_s > 0 ? (int)(wait_s * 1000) + 1 : 0) < 0) {
            if (errno == EINTR)
                continue;
            rc = -LC_ESPAWN;
            break;
        }
        for (int k = 0; k < npfd; k++)
            if (pfd[k].revents & (POLLIN | POLLHUP | POLLERR))
                drain(&slots[map[k]], pfd[k].fd);
    }
out_free:
    for (int j = 0; j < jobs; j++)
        free(slots[j].out);
    free(slots);
    free(tunables);
    return rc;
}

static void write_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;

    while (n > 0) {
        ssize_t w = write(fd, p, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

int lc_runner_worker_main(int argc, char **argv)
{
    static struct lc_result r; /* too big for comfort on the stack */
    struct lc_case c;
    char *end;

    if (argc != 5) {
        fprintf(stderr, "leakcheck __worker: expected WARMUP ITERATIONS "
                        "TIME SIGNALS PATH\n");
        return 2;
    }
    lc_case_init(&c, argv[4]);
    c.warmup = strtol(argv[0], &end, 10);
    c.iterations = strtol(argv[1], &end, 10);
    c.time_s = strtod(argv[2], &end);
    c.signals = (unsigned)strtoul(argv[3], &end, 10);
    lc_worker_run(&c, &r);
    write_all(RESULT_FD, &r, sizeof(r));
    close(RESULT_FD);
    return 0;
}
