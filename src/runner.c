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

struct slot {
    pid_t pid;            /* 0 when the slot is free */
    size_t index;         /* the case it runs */
    int result_fd;        /* -1 once at EOF */
    int err_fd;           /* -1 once at EOF */
    size_t got;           /* result bytes received */
    double deadline;      /* monotonic seconds */
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

static int start_worker(struct slot *sl, const struct lc_case *c,
                        const struct lc_runner_opts *o, const char *tunables)
{
    int rp[2], ep[2];
    char warmup[32], iters[32], budget[32], sigs[32];
    pid_t pid;

    if (pipe2(rp, O_CLOEXEC) < 0)
        return -LC_ESPAWN;
    if (pipe2(ep, O_CLOEXEC) < 0) {
        close(rp[0]);
        close(rp[1]);
        return -LC_ESPAWN;
    }
    snprintf(warmup, sizeof(warmup), "%ld", c->warmup);
    snprintf(iters, sizeof(iters), "%ld", c->iterations);
    snprintf(budget, sizeof(budget), "%.17g", c->time_s);
    snprintf(sigs, sizeof(sigs), "%u", c->signals);
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
        char *argv[] = {(char *)o->self_exe, "__worker", warmup, iters, budget,
                        sigs,
                        (char *)c->path, NULL};
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
        execv(o->self_exe, argv);
        dprintf(2, "leakcheck: cannot run %s: %s\n", o->self_exe,
                strerror(errno));
        _exit(127);
    }
    close(rp[1]);
    close(ep[1]);
    memset(sl, 0, sizeof(*sl));
    sl->pid = pid;
    sl->result_fd = rp[0];
    sl->err_fd = ep[0];
    sl->deadline = now_s() + c->timeout_s;
    return 0;
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

static void drain(struct slot *sl, struct lc_result *r, int fd)
{
    char buf[4096];
    ssize_t n;

    if (fd == sl->result_fd) {
        size_t room = sizeof(*r) - sl->got;

        n = room ? read(fd, (char *)r + sl->got, room) : read(fd, buf, 1);
        if (n > 0 && room)
            sl->got += (size_t)n;
        else if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
            close_fd(&sl->result_fd);
        return;
    }
    n = read(fd, buf, sizeof(buf));
    if (n > 0)
        keep_tail(sl, buf, (size_t)n);
    else if (n == 0 || (errno != EINTR && errno != EAGAIN))
        close_fd(&sl->err_fd);
}

/* The worker has closed both pipes or was killed: reap it, decide. */
static void finish(struct slot *sl, struct lc_result *r,
                   const struct lc_case *c)
{
    int status = 0;
    char how[128];

    while (waitpid(sl->pid, &status, 0) < 0 && errno == EINTR)
        ;
    close_fd(&sl->result_fd);
    close_fd(&sl->err_fd);
    if (sl->timed_out) {
        memset(r, 0, sizeof(*r));
        r->verdict = LC_VERDICT_TIMEOUT;
        r->elapsed_s = c->timeout_s;
        snprintf(r->phase, sizeof(r->phase), "worker");
        snprintf(r->message, sizeof(r->message),
                 "killed after the timeout of %g s\n%.*s", c->timeout_s,
                 (int)sl->tail_len, sl->tail);
    } else if (sl->got == sizeof(*r) && r->magic == LC_RESULT_MAGIC &&
               WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        /* A whole result from a worker that ended normally. */
    } else {
        if (WIFSIGNALED(status))
            snprintf(how, sizeof(how), "killed by signal %d (%s)",
                     WTERMSIG(status), strsignal(WTERMSIG(status)));
        else
            snprintf(how, sizeof(how),
                     "exited with status %d before reporting a result",
                     WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        memset(r, 0, sizeof(*r));
        r->verdict = LC_VERDICT_CRASH;
        snprintf(r->phase, sizeof(r->phase), "worker");
        snprintf(r->message, sizeof(r->message), "worker %s\n%.*s", how,
                 (int)sl->tail_len, sl->tail);
    }
    r->magic = LC_RESULT_MAGIC;
    sl->pid = 0;
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
            if (start_worker(&slots[j], &cases[i], o, tunables) < 0) {
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
                close_fd(&sl->result_fd);
                close_fd(&sl->err_fd);
            }
            if (sl->result_fd < 0 && sl->err_fd < 0) {
                finish(sl, &results[sl->index], &cases[sl->index]);
                running--;
                if (o->on_done)
                    o->on_done(o->ctx, sl->index);
                wait_s = 0;
                continue;
            }
            if (sl->deadline - t < wait_s)
                wait_s = sl->deadline - t;
            if (sl->result_fd >= 0) {
                pfd[npfd] = (struct pollfd){.fd = sl->result_fd,
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
        if (poll(pfd, (nfds_t)npfd, wait_s > 0 ? (int)(wait_s * 1000) + 1 : 0) <
            0) {
            if (errno == EINTR)
                continue;
            rc = -LC_ESPAWN;
            break;
        }
        for (int k = 0; k < npfd; k++) {
            struct slot *sl = &slots[map[k]];

            if (pfd[k].revents & (POLLIN | POLLHUP | POLLERR))
                drain(sl, &results[sl->index], pfd[k].fd);
        }
    }
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
