#include <Python.h> /* first: it sets the feature macros */

#include "suite.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "embed.h"
#include "errors.h"
#include "hash.h"
#include "lend.h"
#include "measure.h"
#include "plan.h"
#include "result.h"
#include "wire.h"
#include "pypkg.h"
#include "session.h"
#include "suite_modules.h" /* generated from src/suite/modules.txt */

#define PACKAGE "_leakcheck_suite"

/* Install the package (pypkg.h) and return its entry module (new
 * reference), or NULL with an exception set. */
static PyObject *install_package(void)
{
    return lc_pypkg_install(PACKAGE, "suite", suite_modules,
                            suite_modules_COUNT);
}

/* The job's argv words as a list of str. New reference or NULL. */
static PyObject *argv_list(const struct lc_suite_job *sj)
{
    PyObject *list = PyList_New(0);
    size_t at = 0;

    while (list && at < sj->argv_len && at < sizeof(sj->argv)) {
        size_t n = strnlen(sj->argv + at, sizeof(sj->argv) - at);
        PyObject *w =
            PyUnicode_DecodeFSDefaultAndSize(sj->argv + at, (Py_ssize_t)n);

        if (!w || PyList_Append(list, w) < 0)
            Py_CLEAR(list);
        Py_XDECREF(w);
        at += n + 1;
    }
    return list;
}

/* Start the interpreter and the adapter: entry module or NULL, err set. */
static PyObject *start(char *err, size_t errlen)
{
    struct lc_embed_opts eo = {.hooks = true};
    PyObject *entry;

    if (lc_session_start(&eo, err, errlen))
        return NULL;
    entry = install_package();
    if (!entry)
        lc_embed_take_error(err, errlen);
    return entry;
}

/* entry.open(kind, argv, first, count): the adapter's session over the
 * job's tests (new reference), or NULL with an exception set. */
static PyObject *open_adapter(PyObject *entry, const struct lc_suite_job *sj)
{
    PyObject *argv = argv_list(sj), *sess = NULL;

    if (argv)
        sess = PyObject_CallMethod(entry, "open", "sOll",
                                   lc_suite_kind_name(sj->kind), argv,
                                   sj->first, sj->count);
    Py_XDECREF(argv);
    return sess;
}

/* The adapter's temporary folders (a CPython test's cwd, pytest's cache)
 * go when its worker is done. */
static void remove_temp(void)
{
    PyObject *entry = PyImport_ImportModule(PACKAGE ".entry");

    Py_XDECREF(entry ? PyObject_CallMethod(entry, "remove_temp", NULL) : NULL);
    Py_XDECREF(entry);
    PyErr_Clear();
}

static int send_result(int fd, struct lc_result *r)
{
    r->explain_json = r->explain_text = NULL;
    return lc_wire_send(fd, LC_WIRE_RESULT, r, sizeof(*r));
}

int lc_suite_collect(const struct lc_case *c, const struct lc_suite_job *sj,
                     int result_fd)
{
    static struct lc_result r;
    double t0 = lc_clock_now();
    PyObject *entry, *argv = NULL, *n = NULL;

    memset(&r, 0, sizeof(r));
    r.magic = LC_RESULT_MAGIC;
    r.verdict = LC_VERDICT_ERROR;
    r.phase = LC_PHASE_LOAD;
    (void)c;
    lc_session_mark(result_fd, LC_PHASE_LOAD);
    entry = start(r.message, sizeof(r.message));
    if (entry)
        argv = argv_list(sj);
    if (argv)
        n = PyObject_CallMethod(entry, "collect", "sOs",
                                lc_suite_kind_name(sj->kind), argv,
                                sj->out_path);
    if (n) {
        r.verdict = LC_VERDICT_CLEAN;
        r.phase = LC_PHASE_NONE;
        r.iterations = PyLong_AsLong(n);
    } else if (entry) {
        lc_embed_take_error(r.message, sizeof(r.message));
    }
    Py_XDECREF(n);
    Py_XDECREF(argv);
    Py_XDECREF(entry);
    r.elapsed_s = lc_clock_now() - t0;
    return send_result(result_fd, &r);
}

/* What every process of a judge job sees: the results and how far they
 * were sent live in one MAP_SHARED mapping, so a child that judged a test
 * leaves its result to the process it was forked from. */
struct shared {
    long sent;    /* results sent, in order */
    long running; /* the test being judged alone, or -1 */
    long limit;   /* tests the job answers for: n, less those given back
                     to the runner (give_back) */
    int rc;       /* the channel's first failure */
};

/* One judge job's state; every array from libc, made before measuring. */
struct judge {
    const struct lc_case *c;
    const struct lc_suite_job *sj;
    int fd;                /* the result channel */
    PyObject *sess;        /* the adapter's Session */
    long n;                /* tests of the slice */
    struct lc_result *res; /* n + 1 results, shared; res[n] is scratch */
    unsigned char *final;  /* n + 1: FINAL, CONFIRMED or 0; shared */
    struct shared *sh;     /* shared */
    size_t map_len;        /* bytes of the shared mapping */
    long *keys;            /* n: class (unittest) or parent (pytest) */
    long *idx;             /* n: scratch list of test indexes */
    struct lc_measure m;   /* plan storage, shared by every plan */
    bool fork_ok;          /* judge groups and tests in forked children */
    bool hold;             /* leaks wait for their confirmation alone */
    int ask_fd;            /* the slice's child: asks for a confirmation */
    int answer_fd;         /* ... and reads that it was made; -1, -1 */
    double *cost;          /* n: each test's first run, seconds */
    double import_s;       /* the worker's start, import and collection */
    struct lc_lend *lend;  /* the runner's idle slots (lend.h), or NULL */
    int slot;              /* the runner's slot of this slice */
    long cut;              /* where tests go back for a lent slot, worth a
                              worker of their own (split_cut); 0: none */
};

/* What a screen's call returns, and then the screen, when it took a slot
 * the runner lent (lend.h): the tests not begun go back to the runner
 * (give_back). Positive: never an error code. */
#define SPLIT_CLAIMED 2

/* A screen takes a lent slot between two calls. When the tests given back
 * are all after its own (the cut falls after them), it goes on; when the
 * cut falls among them, it stops, to be screened again in the part kept,
 * and the runs it did are lost: then only before its SPLIT_CALLS_MAX-th
 * call (its warm-up and 2 measured runs), when at least 10 runs of the
 * whole group are left against about 6 for the part kept from its start.
 * Stopping later was a loss: more-itertools' 249-test group, stopped
 * before its windows of runs more (its first not clean), took 23.5 s
 * where going on took 14.2 s. */
#define SPLIT_CALLS_MAX (LC_SUITE_SCREEN_WARMUP + 2)

/* Seconds a split must save, at the least, over what the worker it
 * starts costs (its start, import and collection, and the first run of
 * its tests again), counting only a screen's calls of the tests given:
 * more-itertools gave 144 tests of 0.21 s a run back, and their worker
 * took 4.6 s where they would have taken 3.6 s. */
#define SPLIT_GAIN_S 2.0

/* j->final[i]: 0 while test i is judged; FINAL once its result is
 * complete; CONFIRMED when it is a leak judged again alone already. */
#define FINAL 1
#define CONFIRMED 2

/* What one measured iteration calls: the adapter's callable. */
struct call_ctx {
    PyObject *fn;
    long calls;
    char *msg;
    size_t msglen;
    struct judge *split; /* a screen that may take a lent slot, or NULL */
    bool free_split;     /* ... whose tests all come before j->cut */
};

static bool give_back(struct judge *j);

/* Whether the screen of cc stops for a slot the runner lends now: it
 * takes one when it may (early enough, or `free_split`: the tests given
 * back are all after its own, which it goes on screening then). */
static bool split_now(struct call_ctx *cc, bool early)
{
    struct judge *j = cc->split;

    if (!j || !(early || cc->free_split) || !lc_lend_claim(j->lend, j->slot))
        return false;
    cc->split = NULL; /* one split a screen */
    if (!cc->free_split)
        return true; /* to be screened again in the part kept */
    give_back(j);
    return false;
}

static int call_fn(void *ctx)
{
    struct call_ctx *cc = ctx;
    PyObject *r;

    if (split_now(cc, cc->calls < SPLIT_CALLS_MAX))
        return SPLIT_CLAIMED;
    r = PyObject_CallNoArgs(cc->fn);
    cc->calls++;
    if (!r)
        return lc_embed_take_error(cc->msg, cc->msglen);
    Py_DECREF(r);
    return 0;
}

/* sess.make(indexes, cleanup): the callable that runs those tests once. */
static PyObject *make_fn(struct judge *j, const long *idx, long k,
                         bool cleanup)
{
    PyObject *t = PyTuple_New(k), *fn = NULL;

    for (long i = 0; t && i < k; i++) {
        PyObject *v = PyLong_FromLong(idx[i]);

        if (!v)
            Py_CLEAR(t);
        else
            PyTuple_SET_ITEM(t, i, v);
    }
    if (t)
        fn = PyObject_CallMethod(j->sess, "make", "OO", t,
                                 cleanup ? Py_True : Py_False);
    Py_XDECREF(t);
    return fn;
}

/* Warm fn up, then follow plan po on it. 0 with the plan in j->m, or the
 * call's error with msg filled. */
static int measure(struct judge *j, PyObject *fn, long warmup,
                   const struct lc_plan_opts *po, double time_s,
                   struct call_ctx *cc)
{
    int rc = 0;

    cc->fn = fn;
    for (long i = 0; i < warmup && rc == 0; i++)
        rc = call_fn(cc);
    if (rc == 0)
        rc = lc_measure_run(&j->m, po, call_fn, cc, time_s);
    return rc;
}

/* Run fn(j, idx, k) in a child forked from this process, when the worker
 * may fork: what the child's repetitions do to the interpreter (a test's
 * caches filled, another test's state broken) dies with it, so no test's
 * repetitions change what the next one finds (PLATFORM.md: 17 tests of an
 * upstream suite errored after other modules' repetitions). Results come
 * back through the shared mapping. fn's value (0..126), or -signal when
 * the child died. */
/* How child pid ended: its exit status (0..126), or -signal. */
static int child_status(pid_t pid)
{
    int st = 0;

    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -SIGKILL;
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    return WIFSIGNALED(st) ? -WTERMSIG(st) : -SIGKILL;
}

static int in_child(struct judge *j, int (*fn)(struct judge *, long *, long),
                    long *idx, long k)
{
    pid_t pid;

    if (!j->fork_ok)
        return fn(j, idx, k);
    PyOS_BeforeFork();
    pid = fork();
    if (pid == 0) {
        PyOS_AfterFork_Child();
        _exit(fn(j, idx, k) & 0x7f);
    }
    PyOS_AfterFork_Parent();
    return pid < 0 ? fn(j, idx, k) : child_status(pid);
}

/* A screen's first window passes when every signal was flat at its end
 * and no signal ends above where it began by more than its noise floor:
 * one step anywhere in the runs (a sparse leak) sends the group on. */
static bool first_window_clean(const struct lc_plan *p)
{
    long span;

    if (!p->done || p->leak || p->reason != LC_PLAN_FLAT || p->n < 2)
        return false;
    span = p->t[p->n - 1] - p->t[0];
    for (int s = 0; s < p->o.nsignals; s++) {
        const int64_t *lv = p->levels + (size_t)s * p->cap;

        if (p->o.sig[s].decides &&
            (double)(lv[p->n - 1] - lv[0]) > p->o.sig[s].min_rate * span)
            return false;
    }
    return true;
}

/* Whether reading i of p rose above reading r (r < i) in deciding
 * signal s, by more than its noise floor over the runs between. */
static bool signal_rose(const struct lc_plan *p, int s, size_t r, size_t i)
{
    const int64_t *lv = p->levels + (size_t)s * p->cap;

    return p->o.sig[s].decides &&
           (double)(lv[i] - lv[r]) >
               p->o.sig[s].min_rate * (double)(p->t[i] - p->t[r]);
}

/* The same in any deciding signal. */
static bool rose_above(const struct lc_plan *p, size_t r, size_t i)
{
    for (int s = 0; s < p->o.nsignals; s++)
        if (signal_rose(p, s, r, i))
            return true;
    return false;
}

/* The tail of p's readings since the last rise (a reading above the one
 * before it, beyond the noise floor): the levels the rise reached go into
 * top; the runs after it (0 when the last reading rose) are returned. */
static long clean_tail(const struct lc_plan *p, int64_t *top)
{
    size_t r = 0;

    for (size_t i = 1; i < p->n; i++)
        if (rose_above(p, i - 1, i))
            r = i;
    for (int s = 0; s < p->o.nsignals; s++)
        top[s] = p->levels[(size_t)s * p->cap + r];
    return p->t[p->n - 1] - p->t[r];
}

/* The levels a screen's readings held so far, per signal: 11 readings,
 * then under 30 runs more in at most 20 measures of one reading more than
 * their runs, so fewer than SEEN_MAX (a level not noted is never held
 * before: the screen goes on, never clean by it). */
#define SEEN_MAX 64
struct seen {
    int64_t v[LC_PLAN_SIGNALS_MAX][SEEN_MAX];
    int n;
};

static void note_levels(const struct lc_plan *p, struct seen *sn)
{
    for (size_t i = 0; i < p->n && sn->n < SEEN_MAX; i++, sn->n++)
        for (int s = 0; s < p->o.nsignals; s++)
            sn->v[s][sn->n] = p->levels[(size_t)s * p->cap + i];
}

/* Whether signal s held level v before reading i of p (in p, or in the
 * screen's readings before it). */
static bool held_before(const struct lc_plan *p, const struct seen *sn, int s,
                        size_t i, int64_t v)
{
    for (int k = 0; k < sn->n; k++)
        if (sn->v[s][k] == v)
            return true;
    for (size_t k = 0; k < i; k++)
        if (p->levels[(size_t)s * p->cap + k] == v)
            return true;
    return false;
}

/* Whether p, run right after a clean tail of have runs whose levels are
 * top, keeps it going: it ran all its runs, no reading rose above top (by
 * more than the noise floor over the runs since the tail began), and each
 * rise under it went back to a level held before (a table resized back to
 * a size it had): a leak climbing again after a drop passes through levels
 * never held, and the drop does not hide it. */
static bool tail_goes_on(const struct lc_plan *p, const int64_t *top,
                         long have, const struct seen *sn)
{
    if (!p->done || p->leak || p->n < 2 ||
        (p->reason != LC_PLAN_FLAT && p->reason != LC_PLAN_BOUND))
        return false; /* a leak at once, or stopped by time */
    for (size_t i = 0; i < p->n; i++)
        for (int s = 0; s < p->o.nsignals; s++) {
            const int64_t *lv = p->levels + (size_t)s * p->cap;

            if (!p->o.sig[s].decides)
                continue;
            if ((double)(lv[i] - top[s]) >
                p->o.sig[s].min_rate * (double)(have + p->t[i]))
                return false;
            if (i > 0 && signal_rose(p, s, i - 1, i) &&
                !held_before(p, sn, s, i, lv[i]))
                return false;
        }
    return true;
}

/* Send every complete result from the first unsent one on; while j->hold,
 * a leak not confirmed yet and what follows it wait for its confirmation. */
static void flush(struct judge *j)
{
    while (j->sh->sent < j->sh->limit && j->final[j->sh->sent]) {
        struct lc_result *r = &j->res[j->sh->sent];
        int rc;

        if (j->hold && r->verdict == LC_VERDICT_LEAK &&
            j->final[j->sh->sent] != CONFIRMED)
            return;
        rc = send_result(j->fd, r);
        j->sh->sent++;
        if (rc < 0 && j->sh->rc == 0)
            j->sh->rc = rc;
    }
}

/* First-run seconds of idx[0..k). */
static double group_cost(const struct judge *j, const long *idx, long k)
{
    double t = 0;

    for (long a = 0; a < k; a++)
        t += j->cost[idx[a]];
    return t;
}

/* A screen's time bound for `runs` runs of idx[0..k): --time a test, or
 * three times what those runs take at the tests' first-run cost when that
 * is more, so that a group of slow tests is screened, not cut short and
 * judged alone (numpy.random's 3.5 s test, alone in a slice: 10 s, then a
 * timeout judged alone; in its group of 154, clean by the screen). */
static double screen_bound(const struct judge *j, const long *idx, long k,
                           long runs)
{
    double cost = group_cost(j, idx, k);

    return j->c->time_s * (double)k > 3.0 * cost * (double)runs
               ? j->c->time_s * (double)k
               : 3.0 * cost * (double)runs;
}

/* Run the tests idx[0..k) together as one iteration of a short screen:
 * 1 when they are clean by it (their results filled), 0 when not,
 * SPLIT_CLAIMED when it stopped at a lent slot (j->cut, split_now). */
static int screen(struct judge *j, long *idx, long k)
{
    static char msg[LC_MSG_MAX]; /* a failure here is only a drill-down */
    struct call_ctx cc = {.msg = msg,
                          .msglen = sizeof(msg),
                          .split = j->cut ? j : NULL,
                          .free_split = j->cut > idx[k - 1]};
    struct lc_plan_opts po;
    double t0 = lc_clock_now(), el;
    PyObject *fn = make_fn(j, idx, k, false);
    int64_t top[LC_PLAN_SIGNALS_MAX];
    static struct seen sn; /* one screen at a time in a process */
    long have = 0, runs = LC_SUITE_SCREEN_RUNS;
    bool clean;
    int rc;

    if (!fn)
        return lc_embed_take_error(msg, sizeof(msg)), 0;
    lc_plan_opts_default(&po, LC_SUITE_SCREEN_RUNS, j->c->signals);
    po.min_clean = LC_SUITE_SCREEN_RUNS;
    po.sparse_to_end = true; /* exact at the ends, which read every signal */
    rc = measure(j, fn, LC_SUITE_SCREEN_WARMUP, &po,
                 screen_bound(j, idx, k, LC_SUITE_SCREEN_RUNS), &cc);
    clean = rc == 0 && first_window_clean(&j->m.plan);
    sn.n = 0;
    if (rc == 0 && !clean) {
        have = clean_tail(&j->m.plan, top);
        note_levels(&j->m.plan, &sn);
    }
    /* Not clean: go on, as warm, until the runs since the last rise make a
     * window, within the extensions' runs. */
    while (rc == 0 && !clean && have < LC_SUITE_SCREEN_RUNS &&
           runs < LC_SUITE_SCREEN_RUNS * (1 + LC_SUITE_SCREEN_EXTENSIONS)) {
        long more = LC_SUITE_SCREEN_RUNS - have;

        (void)split_now(&cc, false); /* only one that lets it go on */
        lc_plan_opts_default(&po, more, j->c->signals);
        po.min_clean = more;
        po.sparse_to_end = true;
        rc = measure(j, fn, 0, &po, screen_bound(j, idx, k, more), &cc);
        runs += more;
        if (rc == 0 && tail_goes_on(&j->m.plan, top, have, &sn))
            clean = true;
        else if (rc == 0)
            have = clean_tail(&j->m.plan, top);
        note_levels(&j->m.plan, &sn);
    }
    clean = clean || (rc == 0 && have >= LC_SUITE_SCREEN_RUNS);
    Py_DECREF(fn);
    if (rc == SPLIT_CLAIMED)
        return SPLIT_CLAIMED;
    if (rc != 0 || !clean)
        return 0;
    el = (lc_clock_now() - t0) / (double)k;
    for (long i = 0; i < k; i++) {
        struct lc_result *r = &j->res[idx[i]];

        lc_result_take_plan(r, &j->m.plan,
                            "raise --time or make the test cheaper");
        r->iterations += cc.calls;
        r->elapsed_s += el;
        r->suite_flags |= LC_SUITE_SCREENED;
        r->screen_tests = k;
        /* what it rests on: a window of runs with no rise */
        r->reason = LC_PLAN_FLAT;
        r->measured = LC_SUITE_SCREEN_RUNS;
        r->screen_runs = LC_SUITE_SCREEN_RUNS;
        j->final[idx[i]] = FINAL;
    }
    return 1;
}

/* A test that passed its first run raised under repetition: it is not
 * repeatable. Judged on the repetitions it passed when they reached a
 * judgement, else an error marked so (which the exit status ignores). */
static void repeated_failure(struct judge *j, struct lc_result *r, long calls,
                             bool judged)
{
    static char tb[LC_MSG_MAX];
    const char *cut;

    /* The adapter's TestFailed carries the test's own traceback: keep
     * that, not the harness frame that raised it. */
    cut = strstr(r->message, "TestFailed: ");
    memcpy(tb, cut ? cut + 12 : r->message, sizeof(tb) - 1);
    tb[sizeof(tb) - 1] = '\0';
    if (judged) {
        lc_plan_stop(&j->m.plan);
        /* growth seen at too few judgements is no verdict (plan.h) */
        judged = j->m.plan.reason != LC_PLAN_TIME_UNSURE;
    }
    if (judged) {
        lc_result_take_plan(r, &j->m.plan,
                            "raise --time or make the test cheaper");
    } else {
        r->verdict = LC_VERDICT_ERROR;
        r->phase = LC_PHASE_RUN;
    }
    r->suite_flags |= LC_SUITE_NOT_REPEATABLE;
    snprintf(r->message, sizeof(r->message),
             "not repeatable: passed its first run, failed on run %ld (%s):"
             "\n%.*s",
             calls + 1,
             judged ? "judged on the repetitions before it"
                    : "too early for a judgement",
             (int)(sizeof(r->message) - 160), tb);
}

/* A second opinion on a leak with regrtest's clearing after every
 * repetition: a leak that it removes is held by such a cache. */
static void second_opinion(struct judge *j, long i, struct lc_result *r)
{
    static char msg[LC_MSG_MAX];
    struct call_ctx cc = {.msg = msg, .msglen = sizeof(msg)};
    struct lc_plan_opts po;
    PyObject *fn = make_fn(j, &i, 1, true);

    if (!fn) {
        PyErr_Clear();
        return;
    }
    lc_plan_opts_default(&po, j->c->iterations, j->c->signals);
    if (measure(j, fn, j->c->warmup, &po, j->c->time_s, &cc) == 0 &&
        !j->m.plan.leak)
        r->suite_flags |= LC_SUITE_CACHE_HELD;
    r->iterations += cc.calls;
    Py_DECREF(fn);
}

/* Test i failed under repetition with its fixtures up once: judge it with
 * them set up and torn down every repetition, as a regrtest -R repetition
 * of its module does. 0 with r judged ("not repeatable" among its flags),
 * -1 when that fails too or cannot be done. */
static int judge_fixtured(struct judge *j, long i, struct lc_result *r,
                          const struct lc_plan_opts *po)
{
    static char msg[LC_MSG_MAX];
    struct call_ctx cc = {.msg = msg, .msglen = sizeof(msg)};
    PyObject *fn = PyObject_CallMethod(j->sess, "make_fixtured", "l", i);
    int rc = -1;

    if (fn && fn != Py_None &&
        measure(j, fn, j->c->warmup, po, j->c->time_s, &cc) == 0) {
        lc_result_take_plan(r, &j->m.plan,
                            "raise --time or make the test cheaper");
        r->suite_flags |= LC_SUITE_NOT_REPEATABLE;
        r->message[0] = '\0';
        rc = 0;
    }
    if (!fn)
        PyErr_Clear();
    Py_XDECREF(fn);
    r->iterations += cc.calls;
    return rc;
}

/* A test's own iteration bound, or LC_SUITE_SPENT_ITERATIONS once its
 * slice's share of --budget is spent (r flagged over budget). */
static long iteration_bound(const struct judge *j, struct lc_result *r)
{
    if (j->sj->deadline <= 0 || lc_clock_now() < j->sj->deadline ||
        j->c->iterations <= LC_SUITE_SPENT_ITERATIONS)
        return j->c->iterations;
    r->suite_flags |= LC_SUITE_OVER_BUDGET;
    return LC_SUITE_SPENT_ITERATIONS;
}

/* Whether signal s of a leak stays the test's beside its control's
 * growth c: what is left must be over the signal's noise floor and over
 * a twentieth of the test's own rate (counts are exact; rates of two
 * plans agree to that). */
static bool beyond_control(enum lc_signal s, double t, double c)
{
    double floor = lc_signal_info(s)->min_rate;

    return t - c > floor && t - c >= 0.05 * t;
}

/* A leak of test i against its control (an empty test with the same
 * scaffolding, run the same way): growth the control shows too is the
 * harness's or the scaffolding's, never the test's. Signals it explains
 * are dropped; when none is left the test is clean. */
static void control_check(struct judge *j, long i, struct lc_result *r)
{
    static char msg[LC_MSG_MAX];
    static struct lc_result ctl;
    struct call_ctx cc = {.msg = msg, .msglen = sizeof(msg)};
    struct lc_plan_opts po;
    PyObject *fn = PyObject_CallMethod(j->sess, "make_control", "l", i);
    double shown = 0;

    if (!fn || fn == Py_None) {
        PyErr_Clear();
        Py_XDECREF(fn);
        return;
    }
    /* Only the signals the test leaked on: the question is theirs, and
     * the costly refs walk at every reading of a flat plan is spared. */
    lc_plan_opts_default(&po, j->c->iterations, r->leaking);
    if (measure(j, fn, j->c->warmup, &po, j->c->time_s, &cc) == 0) {
        lc_result_take_plan(&ctl, &j->m.plan, "");
        for (int s = 0; s < LC_SIG_COUNT; s++) {
            double t = r->trend[s].per_iter, c = ctl.trend[s].per_iter;

            if (!(r->leaking & (1u << s)) || c <= 0)
                continue;
            if (!beyond_control((enum lc_signal)s, t, c))
                r->leaking &= ~(1u << s);
            r->trend[s].per_iter = t - c;
            if (shown == 0)
                shown = c;
        }
        if (shown > 0)
            r->suite_flags |= LC_SUITE_CONTROL_GREW;
        if (r->leaking == 0) {
            r->verdict = LC_VERDICT_CLEAN;
            snprintf(r->message, sizeof(r->message),
                     "its control (an empty test with the same class, "
                     "marks and fixtures, run the same way) grew as much "
                     "(%+.3g/it): the harness's or the scaffolding's "
                     "growth, not this test's",
                     shown);
        }
    }
    r->iterations += cc.calls;
    Py_DECREF(fn);
}

/* Test i alone with the whole adaptive plan up to iterations on the
 * deciding signals, and its own time bound; its verdict into r. */
static void judge_alone(struct judge *j, long i, struct lc_result *r,
                        long iterations, unsigned signals)
{
    struct call_ctx cc = {.msg = r->message, .msglen = sizeof(r->message)};
    struct lc_plan_opts po;
    double t0 = lc_clock_now();
    PyObject *fn = make_fn(j, &i, 1, false);

    if (!fn) {
        lc_embed_take_error(r->message, sizeof(r->message));
        r->verdict = LC_VERDICT_ERROR;
        r->phase = LC_PHASE_WORKER;
        goto out;
    }
    lc_plan_opts_default(&po, iterations, signals);
    po.certain = j->c->certain;
    if (measure(j, fn, j->c->warmup, &po, j->c->time_s, &cc) == 0)
        lc_result_take_plan(r, &j->m.plan,
                            "raise --time or make the test cheaper");
    else if (judge_fixtured(j, i, r, &po) < 0)
        repeated_failure(j, r, cc.calls, j->m.plan.judged_at > 0);
    r->iterations += cc.calls;
    r->gc_enabled = lc_embed_gc_enabled();
    Py_DECREF(fn);
out:
    r->elapsed_s += lc_clock_now() - t0;
}

static int judge_one(struct judge *j, long *idx, long k)
{
    (void)k;
    j->sh->running = idx[0];
    judge_alone(j, idx[0], &j->res[idx[0]],
                iteration_bound(j, &j->res[idx[0]]), j->c->signals);
    j->sh->running = -1;
    return 0;
}

/* A leak of test i checked against its control, then (with cleanup)
 * judged again with regrtest's clearing. In a child of its own, as the
 * judgement: not in the process the leak filled, whose every collection
 * walks what the test kept (msgpack's test_invalidvalue keeps 2,046
 * blocks a call: its control took 3.5 s there, 0.04 s in a child). */
static int check_one(struct judge *j, long *idx, long k)
{
    struct lc_result *r = &j->res[idx[0]];
    double t0 = lc_clock_now();

    (void)k;
    j->sh->running = idx[0];
    control_check(j, idx[0], r);
    if (r->verdict == LC_VERDICT_LEAK && (j->sj->flags & LC_SUITE_CLEANUP))
        second_opinion(j, idx[0], r);
    j->sh->running = -1;
    r->elapsed_s += lc_clock_now() - t0;
    return 0;
}

/* The test whose judgement died with its process: a crash of its own. */
static void died(struct judge *j, long i, int st, const char *what)
{
    struct lc_result *r = &j->res[i];

    if (j->final[i])
        return;
    lc_result_fail(r, LC_VERDICT_CRASH, LC_PHASE_RUN,
                   "the process %s died of signal %d", what, -st);
    j->final[i] = FINAL;
}

static bool ask_confirmation(struct judge *j, long i);

/* Where to cut the tests from `from` on that the job still answers for,
 * so that the part given back (from the cut on) and the part kept take
 * about the same first-run time: the cut, with a test to judge on each
 * side of it, and *given the part given back's first-run seconds; 0 when
 * fewer than two tests are left to judge. */
static long split_point(const struct judge *j, long from, double *given)
{
    double total = 0, kept = 0, cum = 0, best = -1;
    long first = -1, m = 0;

    for (long i = from; i < j->sh->limit; i++)
        if (!j->final[i]) {
            total += j->cost[i];
            first = first < 0 ? i : first;
        }
    for (long i = first; first >= 0 && i < j->sh->limit; i++) {
        if (j->final[i])
            continue;
        if (i > first && (best < 0 || fabs(total - 2 * cum) < best)) {
            best = fabs(total - 2 * cum);
            m = i;
            kept = cum;
        }
        cum += j->cost[i];
    }
    *given = total - kept;
    return m;
}

/* The cut (split_point) for the tests from `from` on when giving the
 * part after it back would pay: the screen of that part (its calls at
 * their first-run cost) is worth more than the worker it needs,
 * SPLIT_GAIN_S over; else 0. */
static long split_cut(const struct judge *j, long from)
{
    double given = 0;
    long m;

    if (!j->lend || !j->fork_ok || (m = split_point(j, from, &given)) == 0)
        return 0;
    return given * (LC_SUITE_SCREEN_WARMUP + LC_SUITE_SCREEN_RUNS) >=
                   j->import_s + given + SPLIT_GAIN_S
               ? m
               : 0;
}

/* With a lent slot claimed (lend.h): the tests from j->cut on go back to
 * the runner, which judges them in a worker of its own, imported again;
 * this job answers for the tests before the cut only. True when they
 * went; false gives the claim back. */
static bool give_back(struct judge *j)
{
    struct lc_wire_return ret = {.keep = j->cut};

    if (ret.keep == 0 ||
        lc_wire_send(j->fd, LC_WIRE_RETURN, &ret, sizeof(ret)) < 0) {
        lc_lend_return(j->lend, j->slot);
        j->lend = NULL; /* no more claims in this process */
        return false;
    }
    j->sh->limit = ret.keep;
    return true;
}

/* Whether test i judged alone would not reach its first clean horizon
 * within its time bound at its first run's cost: a test that slow is
 * screened first, as a group is (screen_bound), and judged alone only
 * when its screen is not clean. */
static bool slow_alone(const struct judge *j, long i)
{
    return j->cost[i] * (double)(j->c->warmup + LC_PLAN_MIN_CLEAN) >
           j->c->time_s;
}

/* Most first-run seconds of a group screened as one. A group whose screen
 * is not clean costs its runs again in parts, and the more a run holds,
 * the likelier a level that moves (numpy.random's group of 430 tests,
 * 11.9 s a run, screened for 31 runs in one run and for 12 in another);
 * and a screen is the least a slice can give back once it has begun
 * (test_json's 167 tests, 1.75 s a run, screened for 21 s, the last 12 s
 * of them with the other worker idle). 11 readings and a fork cost under
 * 0.6 s a screen with numpy imported, 0.06 s with a CPython test module. */
#define SCREEN_COST_MAX 0.5

static void drill(struct judge *j, long *idx, long k, int level);

/* Test i alone with the whole plan, its leak checked and confirmed. */
static void judge_single(struct judge *j, long i)
{
    int st = in_child(j, judge_one, &i, 1);

    if (st >= 0 && j->res[i].verdict == LC_VERDICT_LEAK)
        st = in_child(j, check_one, &i, 1);
    if (st < 0)
        died(j, i, st, "judging this test");
    j->final[i] = ask_confirmation(j, i) ? CONFIRMED : FINAL;
    j->sh->running = -1;
    flush(j);
}

/* idx[0..k), of more than one class (at the top), in parts along its
 * runs of one key (the classes of a module come one after the other): a
 * part per run, or (packed) runs packed in order into parts of at most
 * SCREEN_COST_MAX a run, a run costlier alone a part of its own. */
static void by_key(struct judge *j, long *idx, long k, bool packed)
{
    long *part = idx;
    double pc = 0;

    for (long a = 0, b; a < k; a = b) {
        double sc = 0;

        for (b = a; b < k && j->keys[idx[b]] == j->keys[idx[a]]; b++)
            sc += j->cost[idx[b]];
        if (!packed) {
            drill(j, idx + a, b - a, 1);
            continue;
        }
        if (idx + a > part && pc + sc > SCREEN_COST_MAX) {
            drill(j, part, idx + a - part, 0);
            part = idx + a;
            pc = 0;
        }
        pc += sc;
    }
    if (packed)
        drill(j, part, idx + k - part, 0);
}

/* Judge idx[0..k): a screen of all; failing it, a screen of each class
 * (at the top), or of each half (within a class), down to single tests,
 * which get the whole plan alone. A leak among N tests costs about
 * log2(N) screens and one plan. A group costlier than SCREEN_COST_MAX a
 * run is never screened whole: its classes are packed in parts up to
 * that cost, a class costlier alone is halved by cost. Each screen and
 * judgement is a child of the worker's state after the first run
 * (in_child). Tests the job gave back (give_back) are left out; before
 * each screen, and within one while it is worth it, a slot the runner
 * lends is taken when the tests not begun are worth a worker of their
 * own. */
static void drill(struct judge *j, long *idx, long k, int level)
{
    bool mixed = false;
    int st;

    while (k > 0 && idx[k - 1] >= j->sh->limit)
        k--;
    if (k == 0)
        return;
    j->cut = split_cut(j, idx[0]);
    if (j->cut && lc_lend_claim(j->lend, j->slot) && give_back(j)) {
        drill(j, idx, k, level);
        return;
    }
    if (k == 1 && !slow_alone(j, idx[0])) {
        judge_single(j, idx[0]);
        return;
    }
    for (long a = 1; a < k; a++)
        mixed = mixed || j->keys[idx[a]] != j->keys[idx[0]];
    mixed = mixed && level == 0; /* classes mixed by a split: halves */
    if (k > 1 && group_cost(j, idx, k) > SCREEN_COST_MAX) {
        double half = group_cost(j, idx, k) / 2, cum = j->cost[idx[0]];
        long m = 1;

        if (mixed) {
            by_key(j, idx, k, true);
            return;
        }
        while (m < k - 1 && cum < half)
            cum += j->cost[idx[m++]];
        drill(j, idx, m, level + 1);
        drill(j, idx + m, k - m, level + 1);
        return;
    }
    st = in_child(j, screen, idx, k);
    if (st == SPLIT_CLAIMED) {
        give_back(j);
        drill(j, idx, k, level);
        return;
    }
    if (st == 1) {
        flush(j);
        return;
    }
    if (k == 1) { /* a slow test whose screen was not clean */
        judge_single(j, idx[0]);
        return;
    }
    if (mixed) { /* by class, in order of first appearance */
        by_key(j, idx, k, false);
        return;
    }
    /* One class, or classes mixed by an earlier split: halves. */
    drill(j, idx, k / 2, level + 1);
    drill(j, idx + k / 2, k - k / 2, level + 1);
}

/* sess.ids and sess.keys into the results and j->keys. 0 or -1. */
static int take_ids(struct judge *j)
{
    PyObject *ids = PyObject_GetAttrString(j->sess, "ids");
    PyObject *keys = PyObject_GetAttrString(j->sess, "keys");
    int rc = -1;

    if (!ids || !keys || !PyList_Check(ids) || !PyList_Check(keys) ||
        PyList_GET_SIZE(ids) != j->n || PyList_GET_SIZE(keys) != j->n) {
        if (!PyErr_Occurred())
            PyErr_Format(PyExc_RuntimeError,
                         "the slice holds other tests than collected: "
                         "the suite's tests changed between two imports");
        goto out;
    }
    for (long i = 0; i < j->n; i++) {
        const char *id = PyUnicode_AsUTF8(PyList_GET_ITEM(ids, i));

        j->keys[i] = PyLong_AsLong(PyList_GET_ITEM(keys, i));
        if (!id)
            goto out;
        j->res[i].id_hash = lc_suite_id_hash(id);
    }
    rc = 0;
out:
    Py_XDECREF(ids);
    Py_XDECREF(keys);
    return rc;
}

/* Each test once: errors and skips are final; the rest go in j->idx.
 * Returns how many passed, or -1 (exception set). */
static long first_run(struct judge *j)
{
    PyObject *st = PyObject_CallMethod(j->sess, "first_run", NULL);
    long k = 0;

    if (!st || !PyList_Check(st) || PyList_GET_SIZE(st) != j->n) {
        if (st && !PyErr_Occurred())
            PyErr_SetString(PyExc_RuntimeError, "first_run(): no list");
        Py_XDECREF(st);
        return -1;
    }
    for (long i = 0; i < j->n; i++) {
        const char *status = NULL, *text = NULL;
        struct lc_result *r = &j->res[i];

        if (!PyArg_ParseTuple(PyList_GET_ITEM(st, i), "ssd", &status, &text,
                              &j->cost[i])) {
            Py_DECREF(st);
            return -1;
        }
        r->iterations = 1;
        if (strcmp(status, "ok") == 0) {
            j->idx[k++] = i;
            continue;
        }
        r->verdict = strcmp(status, "skip") == 0 ? LC_VERDICT_SKIPPED
                                                 : LC_VERDICT_ERROR;
        r->phase =
            r->verdict == LC_VERDICT_ERROR ? LC_PHASE_RUN : LC_PHASE_NONE;
        snprintf(r->message, sizeof(r->message), "%s", text);
        j->final[i] = FINAL;
    }
    Py_DECREF(st);
    return k;
}

/* The results, their flags and the send count: one shared mapping, seen
 * by every child the worker forks. */
static int alloc_judge(struct judge *j, long n)
{
    size_t res = ((size_t)n + 1) * sizeof(*j->res);
    size_t fin = ((size_t)n + 1 + 15) & ~(size_t)15;
    char *p;

    j->n = n;
    j->map_len = res + fin + sizeof(*j->sh);
    p = mmap(NULL, j->map_len, PROT_READ | PROT_WRITE,
             MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    j->keys = calloc((size_t)n + 1, sizeof(*j->keys));
    j->idx = calloc((size_t)n + 1, sizeof(*j->idx));
    j->cost = calloc((size_t)n + 1, sizeof(*j->cost));
    if (p == MAP_FAILED || !j->keys || !j->idx || !j->cost)
        return -LC_ENOMEM;
    j->res = (struct lc_result *)(void *)p;
    j->final = (unsigned char *)p + res;
    j->sh = (struct shared *)(void *)(p + res + fin);
    j->sh->running = -1;
    j->sh->limit = n;
    for (long i = 0; i <= n; i++) {
        j->res[i].magic = LC_RESULT_MAGIC;
        j->res[i].verdict = LC_VERDICT_ERROR;
    }
    return lc_measure_init(&j->m, j->c->iterations > LC_SUITE_SCREEN_RUNS
                                      ? j->c->iterations
                                      : LC_SUITE_SCREEN_RUNS);
}

static void free_judge(struct judge *j)
{
    lc_measure_release(&j->m);
    if (j->res)
        munmap(j->res, j->map_len);
    free(j->keys);
    free(j->idx);
    free(j->cost);
    lc_lend_unmap(j->lend);
}

/* Every result not sent yet becomes this failure, and is sent. */
static void fail_rest(struct judge *j, enum lc_verdict v, enum lc_phase phase,
                      const char *msg)
{
    for (long i = j->sh->sent; i < j->sh->limit; i++) {
        if (j->final[i])
            continue;
        lc_result_fail(&j->res[i], v, phase, "%s", msg);
        j->final[i] = FINAL;
    }
    flush(j);
}

/* Open the session over the slice: sess set, or -1 with err filled. */
static int open_session(struct judge *j, char *err, size_t errlen)
{
    double t0 = lc_clock_now();
    PyObject *entry = start(err, errlen), *ok;

    if (!entry)
        return -1;
    j->sess = open_adapter(entry, j->sj);
    Py_DECREF(entry);
    if (!j->sess || take_ids(j) < 0)
        return lc_embed_take_error(err, errlen), -1;
    ok = PyObject_CallMethod(j->sess, "can_fork", NULL);
    j->fork_ok = ok == Py_True;
    Py_XDECREF(ok);
    PyErr_Clear();
    j->import_s = lc_clock_now() - t0;
    return 0;
}

/* The slice's other tests, named in r's message: the growth of test i
 * went away when it was judged alone. */
static void depends(struct judge *j, long i, struct lc_result *r)
{
    PyObject *ids = PyObject_CallMethod(j->sess, "others", "l", i);
    size_t at;
    Py_ssize_t n = ids && PyList_Check(ids) ? PyList_GET_SIZE(ids) : 0;

    r->verdict = LC_VERDICT_CLEAN;
    r->leaking = 0;
    r->suite_flags |= LC_SUITE_DEPENDS;
    at = (size_t)snprintf(r->message, sizeof(r->message),
                          "grew only after the other %zd tests of its worker "
                          "had run; clean judged alone, after its module and "
                          "class setup:",
                          n);
    for (Py_ssize_t k = 0; k < n && at < sizeof(r->message); k++) {
        const char *id = PyUnicode_AsUTF8(PyList_GET_ITEM(ids, k));

        at += (size_t)snprintf(r->message + at, sizeof(r->message) - at,
                               "%s %s", k ? "," : "", id ? id : "?");
    }
    PyErr_Clear();
    Py_XDECREF(ids);
}

/* In a child of the state before any test ran: test i once, then judged
 * alone into the scratch result res[n] (the plan only: its control was
 * checked in the slice). 1 when it fails alone. */
static int judge_again_alone(struct judge *j, long *idx, long k)
{
    PyObject *failed =
        PyObject_CallMethod(j->sess, "first_alone", "l", idx[0]);
    struct lc_result *r = &j->res[j->n];
    bool ok = failed == Py_None;

    (void)k;
    Py_XDECREF(failed);
    if (!ok)
        return 1;
    memset(r, 0, sizeof(*r));
    /* The signals that leaked among the slice: is that growth there? */
    judge_alone(j, idx[0], r,
                j->c->iterations < LC_SUITE_CONFIRM_RUNS
                    ? j->c->iterations
                    : LC_SUITE_CONFIRM_RUNS,
                j->res[idx[0]].leaking);
    return 0;
}

/* A leak judged in the slice is judged again alone, from the state
 * before any test ran (issue 22), in a child of this process, which holds
 * that state: confirmed, it stays a leak; clean there, it grew only with
 * the tests before it and is said so. */
static void confirm(struct judge *j, long i)
{
    struct lc_result *r = &j->res[i];

    if (r->verdict != LC_VERDICT_LEAK ||
        in_child(j, judge_again_alone, &i, 1) != 0)
        return; /* fails alone, or died: the slice's verdict stands */
    r->iterations += j->res[j->n].iterations;
    if (j->res[j->n].verdict == LC_VERDICT_LEAK)
        r->suite_flags |= LC_SUITE_CONFIRMED;
    else if (j->res[j->n].verdict == LC_VERDICT_CLEAN)
        depends(j, i, r);
}

/* The leaks the slice's child did not have confirmed as it went. */
static void confirm_leaks(struct judge *j)
{
    for (long i = j->sh->sent; i < j->sh->limit; i++)
        if (j->final[i] == FINAL)
            confirm(j, i);
}

/* In the slice's child: test i, just judged a leak, confirmed at once by
 * the process the child was forked from (serve_slice), so that the leak
 * is sent now and its explain pass can start in a free slot while the
 * slice goes on. True when it was. */
static bool ask_confirmation(struct judge *j, long i)
{
    char done;

    if (j->ask_fd < 0 || j->res[i].verdict != LC_VERDICT_LEAK)
        return false;
    if (write(j->ask_fd, &i, sizeof(i)) != (ssize_t)sizeof(i))
        return false;
    while (read(j->answer_fd, &done, 1) < 0)
        if (errno != EINTR)
            return false;
    return true;
}

static int judge_slice(struct judge *j, long *unused, long k0);

/* judge_slice in a child, as in_child() runs it, while this process
 * confirms each leak the child asks for (ask_confirmation). The child's
 * status as in_child() returns it. */
static int serve_slice(struct judge *j)
{
    int ask[2], answer[2];
    pid_t pid;
    long i;

    if (pipe(ask) < 0)
        return in_child(j, judge_slice, NULL, 0);
    if (pipe(answer) < 0) {
        close(ask[0]);
        close(ask[1]);
        return in_child(j, judge_slice, NULL, 0);
    }
    PyOS_BeforeFork();
    pid = fork();
    if (pid == 0) {
        PyOS_AfterFork_Child();
        close(ask[0]);
        close(answer[1]);
        j->ask_fd = ask[1];
        j->answer_fd = answer[0];
        _exit(judge_slice(j, NULL, 0) & 0x7f);
    }
    PyOS_AfterFork_Parent();
    close(ask[1]);
    close(answer[0]);
    for (;;) {
        ssize_t got = read(ask[0], &i, sizeof(i));

        if (got < 0 && errno == EINTR)
            continue;
        if (got != (ssize_t)sizeof(i) || i < 0 || i >= j->n)
            break; /* the child is done (or gone) */
        confirm(j, i);
        if (write(answer[1], "", 1) != 1)
            break;
    }
    close(ask[0]);
    close(answer[1]);
    return pid < 0 ? judge_slice(j, NULL, 0) : child_status(pid);
}

/* The first run and the judgements, in a child when the worker may fork
 * (this process keeps the state before any test ran, for confirmations).
 * 0, or 1 when the adapter failed (the rest are errors then). */
static int judge_slice(struct judge *j, long *unused, long k0)
{
    static char err[LC_MSG_MAX];
    long k;

    (void)unused;
    (void)k0;
    lc_session_mark(j->fd, LC_PHASE_SETUP);
    if ((k = first_run(j)) < 0) {
        lc_embed_take_error(err, sizeof(err));
        j->hold = false;
        fail_rest(j, LC_VERDICT_ERROR, LC_PHASE_SETUP, err);
        return 1;
    }
    flush(j);
    lc_session_mark(j->fd, LC_PHASE_RUN);
    if (k > 0)
        drill(j, j->idx, k, 0);
    flush(j);
    return 0;
}

int lc_suite_judge(const struct lc_case *c, const struct lc_suite_job *sj,
                   int result_fd)
{
    static char err[LC_MSG_MAX];
    struct judge j = {.c = c,
                      .sj = sj,
                      .fd = result_fd,
                      .ask_fd = -1,
                      .answer_fd = -1,
                      .lend = lc_lend_map(sj->lend_pid, sj->lend_fd),
                      .slot = sj->slot};
    int st, rc;

    if (alloc_judge(&j, sj->count) < 0) {
        free_judge(&j);
        return -LC_ENOMEM;
    }
    lc_session_mark(result_fd, LC_PHASE_LOAD);
    if (open_session(&j, err, sizeof(err)) < 0) {
        fail_rest(&j, LC_VERDICT_ERROR, LC_PHASE_LOAD, err);
        goto out;
    }
    j.hold = j.n > 1; /* leaks wait for their confirmation alone */
    st = j.fork_ok && j.hold ? serve_slice(&j)
                             : in_child(&j, judge_slice, NULL, 0);
    if (st < 0 && j.sh->running >= 0)
        died(&j, j.sh->running, st, "judging this test");
    if (st < 0) {
        snprintf(err, sizeof(err),
                 "the process running the slice's tests died of signal %d "
                 "before this test was judged",
                 -st);
        fail_rest(&j, LC_VERDICT_CRASH, LC_PHASE_RUN, err);
    }
    if (j.hold && j.fork_ok)
        confirm_leaks(&j);
    else if (j.hold)
        for (long i = j.sh->sent; i < j.sh->limit; i++)
            if (j.final[i] && j.res[i].verdict == LC_VERDICT_LEAK)
                j.res[i].suite_flags |= LC_SUITE_UNCONFIRMED;
    j.hold = false;
    lc_session_mark(result_fd, LC_PHASE_TEARDOWN);
    flush(&j);
    Py_XDECREF(PyObject_CallMethod(j.sess, "close", NULL));
    PyErr_Clear();
out:
    Py_XDECREF(j.sess);
    remove_temp();
    rc = j.sh->rc;
    free_judge(&j);
    return rc;
}

/* The one test of the session names c->id, or err says which it is. */
static int same_test(PyObject *sess, const struct lc_case *c, char *err,
                     size_t errlen)
{
    PyObject *ids = PyObject_GetAttrString(sess, "ids");
    const char *id = ids && PyList_Check(ids) && PyList_GET_SIZE(ids) == 1
                         ? PyUnicode_AsUTF8(PyList_GET_ITEM(ids, 0))
                         : NULL;
    int rc = id && strcmp(id, c->id) == 0 ? 0 : -1;

    if (rc < 0)
        snprintf(err, errlen,
                 "the session holds %s, not %s: the suite's tests changed "
                 "between two imports",
                 id ? id : "another number of tests", c->id);
    Py_XDECREF(ids);
    PyErr_Clear();
    return rc;
}

int lc_suite_explain_open(void *ctx, PyObject **module, PyObject **step,
                          const char **phase, char *err, size_t errlen)
{
    struct lc_suite_explain *se = ctx;
    PyObject *entry = install_package(), *got = NULL;
    PyObject *why = NULL, *mod = NULL, *fn = NULL;

    *module = *step = NULL;
    *phase = "load";
    if (entry)
        se->sess = open_adapter(entry, se->sj);
    if (!se->sess || same_test(se->sess, se->c, err, errlen) < 0)
        goto out;
    *phase = "first run";
    got = PyObject_CallMethod(entry, "explain_subject", "O", se->sess);
    if (!got || !PyArg_ParseTuple(got, "OOO", &why, &mod, &fn))
        goto out;
    if (why != Py_None) {
        snprintf(err, errlen, "%s",
                 PyUnicode_Check(why) ? PyUnicode_AsUTF8(why) : "?");
        goto out;
    }
    Py_INCREF(mod);
    Py_INCREF(fn);
    *module = mod;
    *step = fn;
out:
    if (PyErr_Occurred())
        lc_embed_take_error(err, errlen);
    Py_XDECREF(got);
    Py_XDECREF(entry);
    return *step ? 0 : -1;
}

int lc_suite_explain_close(void *ctx, char *err, size_t errlen)
{
    struct lc_suite_explain *se = ctx;
    PyObject *r =
        se->sess ? PyObject_CallMethod(se->sess, "close", NULL) : NULL;
    int rc = r || !se->sess ? 0 : -1;

    if (rc < 0)
        lc_embed_take_error(err, errlen);
    Py_XDECREF(r);
    Py_CLEAR(se->sess);
    remove_temp();
    return rc;
}
