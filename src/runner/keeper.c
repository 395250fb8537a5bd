#include "keeper.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Children listed at once; a tree wider than this is killed in rounds. */
#define CHILDREN_MAX 256

/* The children of this process, from /proc (no allocation). */
static size_t children(pid_t *out, size_t max)
{
    char path[64], buf[4096];
    size_t n = 0;
    ssize_t len;
    int fd;

    snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)getpid(),
             (int)getpid());
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    len = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (len <= 0)
        return 0;
    buf[len] = '\0';
    for (char *p = buf, *end; n < max; p = end) {
        long pid = strtol(p, &end, 10);

        if (end == p)
            break;
        out[n++] = (pid_t)pid;
    }
    return n;
}

static void kill_tree_of(pid_t pid)
{
    kill(-pid, SIGKILL); /* its group, when it leads one */
    kill(pid, SIGKILL);
}

static void pause_briefly(void)
{
    struct timespec ts = {0, 5 * 1000 * 1000};

    nanosleep(&ts, NULL);
}

/* The keeper, once the worker ended with status: kill what is left until
 * nothing is, then end as the worker did. */
static void end_like(int status)
{
    pid_t kids[CHILDREN_MAX];
    size_t n;

    while ((n = children(kids, CHILDREN_MAX)) > 0) {
        for (size_t i = 0; i < n; i++)
            kill_tree_of(kids[i]);
        while (waitpid(-1, NULL, WNOHANG) > 0)
            ;
        pause_briefly();
    }
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
    if (WIFSIGNALED(status)) {
        struct rlimit none = {0, 0};

        setrlimit(RLIMIT_CORE, &none); /* the worker dumped, if anyone */
        signal(WTERMSIG(status), SIG_DFL);
        kill(getpid(), WTERMSIG(status));
    }
    _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 127);
}

static volatile sig_atomic_t orphaned; /* the runner is gone */

static void on_parent_death(int sig)
{
    (void)sig;
    orphaned = 1;
}

/* The keeper's life: wait for the worker, then end_like. When the runner
 * dies (SIGHUP by PR_SET_PDEATHSIG), kill the worker first. */
static void keep(pid_t runner, pid_t worker)
{
    struct sigaction sa = {.sa_handler = on_parent_death};
    int status = 0, devnull = open("/dev/null", O_RDWR);

    signal(SIGUSR2, SIG_IGN);     /* for the worker's faulthandler */
    signal(SIGINT, SIG_IGN);      /* the runner decides when a run ends */
    signal(SIGTERM, SIG_DFL);     /* not the runner's handler, forked along */
    sigaction(SIGHUP, &sa, NULL); /* no SA_RESTART: waitpid returns */
    prctl(PR_SET_PDEATHSIG, SIGHUP);
    if (getppid() != runner)
        orphaned = 1;
    for (int fd = 0; fd < 3 && devnull >= 0; fd++)
        dup2(devnull, fd); /* hold none of the runner's streams */
    close_range(3, ~0u, 0);
    for (;;) {
        pid_t pid = waitpid(-1, &status, 0);
        int err = errno;

        if (pid == worker)
            end_like(status);
        if (pid < 0 && err != EINTR)
            _exit(127); /* no worker: cannot happen */
        if (orphaned)
            kill_tree_of(worker);
    }
}

pid_t lc_keeper_spawn(void (*start)(void *arg), void *arg)
{
    pid_t runner = getpid(), keeper = fork(), worker;
    sigset_t chld;

    if (keeper != 0)
        return keeper;
    /* the runner blocks SIGCHLD but in its ppoll: not the keeper's and
     * the worker's concern */
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    signal(SIGCHLD, SIG_DFL);
    sigprocmask(SIG_UNBLOCK, &chld, NULL);
    setpgid(0, 0);
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    worker = fork();
    if (worker == 0) {
        /* A worker whose keeper was killed (by the case: its parent) dies
         * at once, before it can reach the runner. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() == runner)
            _exit(127);
        start(arg);
        _exit(127);
    }
    if (worker < 0)
        _exit(127);
    keep(runner, worker);
    return 0;
}

int lc_keeper_adopt_orphans(void)
{
    return prctl(PR_SET_CHILD_SUBREAPER, 1);
}

int lc_keeper_kill_strays(const pid_t *known, size_t nknown)
{
    pid_t kids[CHILDREN_MAX];
    size_t n = children(kids, CHILDREN_MAX);
    int killed = 0;

    for (size_t i = 0; i < n; i++) {
        bool ours = false;

        for (size_t k = 0; k < nknown && !ours; k++)
            ours = known[k] == kids[i];
        if (ours)
            continue;
        kill_tree_of(kids[i]);
        waitpid(kids[i], NULL, WNOHANG);
        killed++;
    }
    return killed;
}
