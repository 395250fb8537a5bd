/*
 * suitecmd.c - what `leakcheck unittest` and `leakcheck pytest` share:
 * collect each operand's tests in a worker, then judge them a slice per
 * worker (suite.h), a verdict per test id, reported as `run` reports.
 */
#include "suitecmd.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "clock.h"
#include "commands.h"
#include "errors.h"
#include "hash.h"
#include "job.h"
#include "journal.h"
#include "pyproject.h"
#include "report.h"
#include "runcases.h"
#include "runner.h"
#include "wire.h"

/* Tests one command judges at most: far above CPython's largest module. */
#define SUITE_TESTS_MAX 50000

/* Per test time bound when --time is not given: a test's own budget. */
#define SUITE_TIME_S 10.0

/* A test growing at every horizon through this many iterations is a leak
 * there (plan.h, LC_PLAN_CERTAIN_RUN): a leak costs 1024 iterations, not
 * 2048. A structure a test fills over more calls than that is reported as
 * a leak, so the bound is above the caches tests meet most (re's 512
 * compiled patterns, lru_cache's 128; 256 flagged a 512-entry fill).
 * --iterations N asks for the whole plan to N. */
#define SUITE_CERTAIN 1024

/* Wall time to list one operand's tests. */
#define COLLECT_TIMEOUT_S 600.0

/* One operand: its words for the adapter, its list file. */
struct operand {
    struct lc_suite_job sj; /* argv: operand then selection options */
    char list[64];          /* the collected list, a temporary file */
};

/* The run: operands, then per test case the slice it starts. */
struct suite_run {
    enum lc_suite_kind kind;
    struct operand *ops;
    size_t nops;
    const struct lc_case *cases;
    struct lc_result *results;
    size_t n;
    int *op_of;          /* per case: its operand */
    long *first_of;      /* per case: its index in the operand's list */
    struct lc_buf marks; /* per case: its leakcheck marker's settings */
    bool collecting;     /* phase 1: the cases are operands */
    enum lc_explain_when explain; /* which tests get an explain pass */
    const struct lc_run_args *a;
    FILE *text; /* text lines as tests end, or NULL */
    FILE *journal;
    bool tty;
    size_t done;
    size_t leaks;     /* tests judged a leak so far */
    double t0;        /* when judging started, lc_clock_now() */
    const char *last; /* the test started last, for the progress line */
    double budget_s;  /* --budget, seconds; 0: none */
    double start;     /* when the command started, lc_clock_now() */
    size_t started;   /* tests whose slice has started */
    size_t *pending;  /* leaks to judge again alone in a worker of their
                         own (LC_SUITE_UNCONFIRMED), by test */
    size_t npending;
    bool confirming; /* the cases are those confirmations, by pending */
};

static int add_word(struct lc_suite_job *sj, const char *w)
{
    size_t n = strlen(w) + 1;

    if (sj->argv_len + n > sizeof(sj->argv))
        return lc_usage_error("the operand and options are over %zu bytes",
                              sizeof(sj->argv));
    memcpy(sj->argv + sj->argv_len, w, n);
    sj->argv_len += n;
    return 0;
}

/* "90", "90s", "10m", "1.5h" as seconds, above 0. 0 or -LC_EUSAGE. */
static int parse_duration(const char *s, double *out)
{
    char *end;
    double v = strtod(s, &end), unit = 1;

    if (end == s)
        goto bad;
    if (*end == 'm')
        unit = 60, end++;
    else if (*end == 'h')
        unit = 3600, end++;
    else if (*end == 's')
        end++;
    if (*end != '\0' || !(v > 0) || v * unit > 1e7)
        goto bad;
    *out = v * unit;
    return 0;
bad:
    return lc_usage_error("--budget %s: a duration like 600, 90s, 10m or 1h",
                          s);
}

/* Take -k X, -m X, -u X, --budget D and --regrtest-cleanup out of argv
 * (the first four into opts, the budget into *budget_s), leaving run's
 * options; argc is updated. */
static int take_suite_options(int *argc, char **argv, enum lc_suite_kind kind,
                              struct lc_suite_job *opts, double *budget_s)
{
    int out = 1, rc = 0;

    for (int i = 1; i < *argc && rc == 0; i++) {
        const char *w = argv[i];
        bool valued =
            strcmp(w, "-k") == 0 || strcmp(w, lc_suite_kind_option(kind)) == 0;

        if (valued && i + 1 >= *argc)
            return lc_usage_error("%s needs a value", w);
        if (valued) {
            rc = add_word(opts, w);
            if (rc == 0)
                rc = add_word(opts, argv[++i]);
        } else if (strcmp(w, "--budget") == 0) {
            if (i + 1 >= *argc)
                return lc_usage_error("--budget needs a duration");
            rc = parse_duration(argv[++i], budget_s);
        } else if (strcmp(w, "--regrtest-cleanup") == 0) {
            opts->flags |= LC_SUITE_CLEANUP;
            rc = add_word(opts, w);
        } else {
            argv[out++] = argv[i];
        }
    }
    *argc = out;
    return rc;
}

/* --budget: a slice starting now gets its share of the time left, as if
 * the -j workers shared the tests not started yet evenly; its screens
 * still run, only its tests judged alone get a short plan (job.h,
 * LC_SUITE_SPENT_ITERATIONS). */
static double slice_deadline(struct suite_run *sr, size_t count, bool fresh)
{
    double now = lc_clock_now(), left = sr->start + sr->budget_s - now;
    size_t rest = sr->n > sr->started ? sr->n - sr->started : count;

    if (sr->budget_s <= 0)
        return 0;
    if (fresh) /* not tests given back: those were counted */
        sr->started += count;
    else
        rest += count;
    if (left <= 0)
        return now; /* spent: every test judged alone on the least */
    return now + left * (double)sr->a->jobs * (double)count / (double)rest;
}

/* The timeout of a worker judging span tests from c on: --timeout, or
 * twice their time bound and 5 s, each, after 120 s for its start. */
static double span_timeout(const struct suite_run *sr, const struct lc_case *c,
                           size_t span)
{
    double per = sr->a->timeout_s > 0 ? sr->a->timeout_s : 2 * c->time_s + 5;

    return 120 + (double)span * per;
}

static void make_job(void *ctx, size_t i, struct lc_job *job)
{
    struct suite_run *sr = ctx;

    if (sr->collecting) {
        job->kind = LC_JOB_SUITE_COLLECT;
        job->suite = sr->ops[i].sj;
        snprintf(job->suite.out_path, sizeof(job->suite.out_path), "%s",
                 sr->ops[i].list);
        return;
    }
    if (sr->confirming)
        i = sr->pending[i]; /* a confirmation: that test alone */
    job->suite = sr->ops[sr->op_of[i]].sj;
    job->suite.first = sr->first_of[i];
    if (job->kind == LC_JOB_EXPLAIN) { /* test i alone (suite.h) */
        job->suite.count = 1;
        return;
    }
    job->kind = LC_JOB_SUITE;
    if (sr->confirming) {
        job->suite.count = 1;
        return;
    }
    /* the span as the runner has it now: a slice gives back the tests it
     * has not begun when a slot is lent to it (lend.h), and they start as
     * a slice of their own, counted in the budget once */
    job->suite.count = job->c.span ? job->c.span : 1;
    job->c.timeout_s = span_timeout(sr, &job->c, (size_t)job->suite.count);
    job->suite.deadline =
        slice_deadline(sr, (size_t)job->suite.count, sr->cases[i].span != 0);
}

/* The progress line on a terminal (stderr): tests done of all, leaks so
 * far, the time left at the rate so far, the test started last. Written
 * over itself; on_done clears it before a test's own line. */
static void progress(const struct suite_run *sr)
{
    double el = lc_clock_now() - sr->t0;

    fprintf(stderr, "\r\033[K[%zu/%zu] %zu leak%s", sr->done, sr->n, sr->leaks,
            sr->leaks == 1 ? "" : "s");
    if (sr->done > 0 && sr->done < sr->n) {
        long left =
            (long)(el / (double)sr->done * (double)(sr->n - sr->done) + 0.5);

        fprintf(stderr, "  ETA %ldm%02lds", left / 60, left % 60);
    }
    if (sr->last)
        fprintf(stderr, "  %.60s", sr->last);
    fflush(stderr);
}

static void on_start(void *ctx, size_t i)
{
    struct suite_run *sr = ctx;

    if (sr->collecting)
        return;
    sr->last = sr->cases[sr->confirming ? sr->pending[i] : i].id;
    if (sr->tty)
        progress(sr);
}

/* A result names the test it judged: a collection that changed between
 * two imports is an error, never a misattributed verdict. */
static void check_id(const struct lc_case *c, struct lc_result *r)
{
    if (r->id_hash && r->id_hash != lc_suite_id_hash(c->id))
        lc_result_fail(r, LC_VERDICT_ERROR, LC_PHASE_WORKER,
                       "the worker judged another test than this one: the "
                       "suite's tests changed between two imports");
}

/* Test i's verdict is final: its line, its journal entry, the count. */
static void emit(struct suite_run *sr, size_t i)
{
    struct lc_result *r = &sr->results[i];

    if (r->verdict == LC_VERDICT_LEAK)
        sr->leaks++;
    if (sr->tty)
        fputs("\r\033[K", stderr);
    if (sr->text) {
        lc_report_text_case(sr->text, &sr->cases[i], r);
        fflush(sr->text);
    }
    if (sr->journal)
        lc_journal_write(sr->journal, &sr->cases[i], r);
    if (sr->tty && sr->done < sr->n)
        progress(sr);
}

static void on_done(void *ctx, size_t i)
{
    struct suite_run *sr = ctx;
    struct lc_result *r = &sr->results[i];

    if (sr->collecting || sr->confirming)
        return;
    sr->done++;
    check_id(&sr->cases[i], r);
    if (r->verdict == LC_VERDICT_LEAK &&
        (r->suite_flags & LC_SUITE_UNCONFIRMED)) {
        sr->pending[sr->npending++] = i; /* emitted once confirmed */
        return;
    }
    emit(sr, i);
}

/* Test i grew only with the other tests of its slice: clean, naming them
 * (as the worker's own confirmation does, suite.c). */
static void depends(struct suite_run *sr, size_t i, struct lc_result *r)
{
    size_t s = i, at;

    while (s > 0 && sr->cases[s].span == 0)
        s--;
    r->verdict = LC_VERDICT_CLEAN;
    r->leaking = 0;
    r->suite_flags |= LC_SUITE_DEPENDS;
    free(r->explain_json); /* of a growth that is not its own */
    free(r->explain_text);
    r->explain_json = r->explain_text = NULL;
    at = (size_t)snprintf(r->message, sizeof(r->message),
                          "grew only after the other %u tests of its worker "
                          "had run; clean judged alone, after its module and "
                          "class setup:",
                          sr->cases[s].span - 1);
    for (size_t k = s; k < s + sr->cases[s].span && at < sizeof(r->message);
         k++)
        if (k != i)
            at += (size_t)snprintf(
                r->message + at, sizeof(r->message) - at, "%s %s",
                at && r->message[at - 1] != ':' ? "," : "", sr->cases[k].id);
}

/* The leaks of workers that could not fork (threads), each judged again
 * in a worker of its own that runs only that test after its module and
 * class setup (issue 22): a leak there is confirmed; clean there, it grew
 * only with the other tests of its slice. Then they are emitted. */
static void confirm_pending(struct suite_run *sr, struct lc_runner_opts *ro)
{
    struct lc_case *cc = calloc(sr->npending + 1, sizeof(*cc));
    struct lc_result *cr = calloc(sr->npending + 1, sizeof(*cr));
    int rc = cc && cr ? 0 : -LC_ENOMEM;

    for (size_t k = 0; rc == 0 && k < sr->npending; k++) {
        const struct lc_result *r = &sr->results[sr->pending[k]];

        cc[k] = sr->cases[sr->pending[k]];
        cc[k].span = 0;
        cc[k].certain = 0;
        if (cc[k].iterations > LC_SUITE_CONFIRM_RUNS)
            cc[k].iterations = LC_SUITE_CONFIRM_RUNS;
        cc[k].signals = r->leaking ? r->leaking : cc[k].signals;
        cc[k].timeout_s = span_timeout(sr, &cc[k], 1);
    }
    if (rc == 0) {
        struct lc_runner_opts co = *ro;

        co.explain = LC_EXPLAIN_NONE; /* the first judgement's stands */
        sr->confirming = true;
        rc = lc_runner_run(cc, cr, sr->npending, &co);
        sr->confirming = false;
    }
    for (size_t k = 0; k < sr->npending; k++) {
        size_t i = sr->pending[k];
        struct lc_result *r = &sr->results[i];

        if (rc == 0 && cr[k].magic == LC_RESULT_MAGIC) {
            check_id(&sr->cases[i], &cr[k]);
            r->iterations += cr[k].iterations;
            if (cr[k].verdict == LC_VERDICT_LEAK)
                r->suite_flags = (r->suite_flags & ~LC_SUITE_UNCONFIRMED) |
                                 LC_SUITE_CONFIRMED;
            else if (cr[k].verdict == LC_VERDICT_CLEAN)
                depends(sr, i, r);
        }
        emit(sr, i);
    }
    free(cc);
    free(cr);
}

/* The runner's options for either phase: the tests' explain passes as
 * run's (runcases.h), each a worker of its own after its slice's verdicts
 * (runner.h); none while collecting. 0 or -LC_EIO. */
static int runner_opts(struct suite_run *sr, struct lc_runner_opts *ro,
                       char *self, size_t selflen)
{
    ssize_t len = readlink("/proc/self/exe", self, selflen - 1);

    self[len > 0 ? len : 0] = '\0';
    memset(ro, 0, sizeof(*ro));
    ro->jobs = sr->a->jobs;
    ro->self_exe = self;
    ro->make_job = make_job;
    ro->on_start = on_start;
    ro->on_done = on_done;
    ro->ctx = sr;
    /* --budget bounds the explain passes too: none starts once it is
     * spent (the verdicts of the slices started go on) */
    ro->explain_until = sr->budget_s > 0 ? sr->start + sr->budget_s : 0;
    return lc_run_explain_opts(
        sr->a, sr->collecting ? LC_EXPLAIN_NONE : sr->explain, ro);
}

/* Phase 1: one collect job per operand, each writing its list file. */
static int collect(struct suite_run *sr)
{
    struct lc_case *cases = calloc(sr->nops, sizeof(*cases));
    struct lc_result *results = calloc(sr->nops, sizeof(*results));
    struct lc_runner_opts ro;
    char self[LC_PATH_MAX];
    int rc = 0;

    if (!cases || !results) {
        rc = -LC_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < sr->nops; i++) {
        lc_case_init(&cases[i], sr->ops[i].sj.argv);
        cases[i].timeout_s = COLLECT_TIMEOUT_S;
    }
    sr->collecting = true;
    sr->cases = cases;
    rc = runner_opts(sr, &ro, self, sizeof(self));
    if (rc == 0)
        rc = lc_runner_run(cases, results, sr->nops, &ro);
    sr->collecting = false;
    for (size_t i = 0; rc == 0 && i < sr->nops; i++) {
        if (results[i].verdict == LC_VERDICT_CLEAN)
            continue;
        fprintf(stderr,
                "leakcheck: cannot collect the tests of %s (%s in "
                "%s):\n%s\n",
                sr->ops[i].sj.argv[0] ? sr->ops[i].sj.argv : "the rootdir",
                lc_verdict_name(results[i].verdict),
                lc_phase_name(results[i].phase), results[i].message);
        sr->ops[i].list[0] = '\0'; /* nothing to judge */
        rc = 1;
    }
out:
    free(cases);
    free(results);
    return rc;
}

/* A test's leakcheck marker (pytest), as the adapter wrote it: words
 * key=value, the settings of pyproject.h. An unknown key or a bad value is
 * an error naming the test. */
static int take_marker(const char *id, char *words, struct lc_test_settings *s)
{
    char err[512];

    *s = (struct lc_test_settings){.expect = -1, .skip = -1};
    for (char *w = strtok(words, " "); w; w = strtok(NULL, " ")) {
        char *eq = strchr(w, '=');

        if (eq)
            *eq = '\0';
        if (!eq || lc_settings_take(s, w, eq + 1, err, sizeof(err)) < 0) {
            fprintf(stderr, "leakcheck: %s: its leakcheck marker: %s\n", id,
                    eq ? err : "a word that is not key=value");
            return -LC_EINPUT;
        }
    }
    return 0;
}

/* The test case for one line "id<TAB>file[<TAB>marker]" of operand op's
 * list. */
static int add_test(struct suite_run *sr, struct lc_buf *cases,
                    struct lc_buf *ops, char *line, int op, long first)
{
    const struct lc_run_args *a = sr->a;
    char *tab = strchr(line, '\t'), *mark = NULL;
    struct lc_case *c = lc_buf_grow(cases, sizeof(*c));
    long *at = lc_buf_grow(ops, 2 * sizeof(long));
    struct lc_test_settings *s =
        lc_buf_grow(&sr->marks, sizeof(struct lc_test_settings));

    if (!c || !at || !s)
        return lc_usage_error("more than %d tests", SUITE_TESTS_MAX);
    if (tab)
        *tab = '\0';
    if (tab && (mark = strchr(tab + 1, '\t')))
        *mark++ = '\0';
    if (a->shards && lc_hash_fnv1a(line) % (uint32_t)a->shards !=
                         (uint32_t)(a->shard - 1)) {
        /* --shard K/N: a test's shard is a hash of its id */
        cases->len -= sizeof(*c);
        ops->len -= 2 * sizeof(long);
        sr->marks.len -= sizeof(*s);
        return 0;
    }
    if (take_marker(line, mark ? mark : (char[]){""}, s) < 0)
        return -LC_EINPUT;
    lc_case_init(c, tab ? tab + 1 : line);
    {
        size_t len = strnlen(line, sizeof(c->id) - 1); /* longer: cut */

        memcpy(c->id, line, len);
        c->id[len] = '\0';
    }
    c->time_s = a->time_s > 0 ? a->time_s : SUITE_TIME_S;
    if (a->iterations > 0)
        c->iterations = a->iterations;
    else
        c->certain = SUITE_CERTAIN;
    if (a->warmup >= 0)
        c->warmup = a->warmup;
    at[0] = op;
    at[1] = first;
    return 0;
}

/* Read every list file into test cases, in operand order. */
static int read_lists(struct suite_run *sr, struct lc_buf *cases,
                      struct lc_buf *ops)
{
    char line[LC_TEST_ID_MAX + LC_PATH_MAX + 1024]; /* + marker words */
    int rc = 0;

    for (size_t i = 0; i < sr->nops && rc == 0; i++) {
        FILE *f = sr->ops[i].list[0] ? fopen(sr->ops[i].list, "re") : NULL;
        long k = 0;

        while (f && rc == 0 && fgets(line, sizeof(line), f)) {
            line[strcspn(line, "\n")] = '\0';
            if (line[0])
                rc = add_test(sr, cases, ops, line, (int)i, k++);
        }
        if (f)
            fclose(f);
    }
    return rc;
}

/* Whether tests i and k can share a slice: the tests between them in
 * their operand's list are all here (a shard leaves gaps), and they run
 * with the same settings. */
static bool same_settings(const struct suite_run *sr,
                          const struct lc_case *cases, size_t i, size_t k)
{
    return sr->first_of[k] - sr->first_of[i] == (long)(k - i) &&
           sr->results[i].magic != LC_RESULT_MAGIC &&
           sr->results[k].magic != LC_RESULT_MAGIC &&
           cases[i].time_s == cases[k].time_s &&
           cases[i].signals == cases[k].signals &&
           cases[i].iterations == cases[k].iterations &&
           cases[i].warmup == cases[k].warmup;
}

/* The project's overrides, then each test's marker (closer to the test,
 * it wins). */
static void apply_settings(struct suite_run *sr, struct lc_case *cases)
{
    const struct lc_test_settings *marks =
        (const struct lc_test_settings *)(void *)sr->marks.data;

    for (size_t i = 0; i < sr->n; i++) {
        if (sr->a->project)
            lc_pyproject_apply(sr->a->project, &cases[i], &sr->results[i]);
        lc_settings_apply(&marks[i], "skip=True in its leakcheck marker",
                          &cases[i], &sr->results[i]);
    }
}

/* Slices per worker the run aims at. Each slice imports and collects its
 * operand again and runs its tests once before judging, which cost 1.3
 * to 1.5 s of CPU per slice under pytest (300 trivial tests, -j2: 6.5 s
 * CPU with one slice per worker, 9.4 s with 2, 15.0 s with 4; an
 * upstream C-extension suite with 5 slow leaks: the same with 1 or 2). */
#define SLICES_PER_JOB 1

/* Fewest tests in a slice cut from a bigger operand. */
#define SLICE_MIN 24

/* Slices: runs of one operand's tests, each judged by one worker. Every
 * operand, the only one or one module among many, is cut in slices of
 * at most (all tests) / (jobs * SLICES_PER_JOB), no fewer than SLICE_MIN
 * tests and no more than LC_SUITE_SLICE_MAX, evenly: -j spreads a module
 * bigger than a worker's share over the workers, not only whole modules
 * (before, an operand was cut only when there were fewer than -j). */
static void make_spans(struct suite_run *sr, struct lc_case *cases, size_t n)
{
    size_t want = (size_t)sr->a->jobs * SLICES_PER_JOB;
    size_t target = (n + want - 1) / want;

    if (target < SLICE_MIN)
        target = SLICE_MIN;
    if (target > LC_SUITE_SLICE_MAX)
        target = LC_SUITE_SLICE_MAX;
    for (size_t i = 0; i < n;) {
        size_t m = 1, slices, len;

        /* A slice's worker judges its tests with the settings of its
         * first: a test with settings of its own (pyproject.h), or one
         * skipped before it runs, is a slice apart. */
        while (i + m < n && sr->op_of[i + m] == sr->op_of[i] &&
               same_settings(sr, cases, i, i + m))
            m++;
        slices = (m + target - 1) / target;
        len = (m + slices - 1) / slices;
        for (size_t s = i; s < i + m; s += len) /* timeouts: make_job */
            cases[s].span = (unsigned)(s + len <= i + m ? len : i + m - s);
        i += m;
    }
}

/* After a run with --budget, on stderr: how many tests were judged short
 * because it was spent, how many rest on a group's screen only, and how
 * many leaks got no explain pass because it was spent. */
static void budget_note(const struct suite_run *sr)
{
    size_t over = 0, screened = 0, unexplained = 0;

    for (size_t i = 0; i < sr->n; i++) {
        const char *why = sr->results[i].explain_text;

        over += (sr->results[i].suite_flags & LC_SUITE_OVER_BUDGET) != 0;
        screened += (sr->results[i].suite_flags & LC_SUITE_SCREENED) != 0;
        unexplained += why && strcmp(why, LC_EXPLAIN_OVER_BUDGET) == 0;
    }
    fprintf(stderr,
            "leakcheck: --budget %.0f s: %zu test%s judged short once it was "
            "spent (\"over_budget\"), %zu clean by a group's screen only "
            "(\"screened\"), %zu leak%s not explained, in %.0f s\n",
            sr->budget_s, over, over == 1 ? "" : "s", screened, unexplained,
            unexplained == 1 ? "" : "s", lc_clock_now() - sr->start);
}

/* Phase 2: judge every test, a slice per worker, and report. */
static int judge(struct suite_run *sr, struct lc_buf *cases,
                 struct lc_buf *ops)
{
    struct lc_runner_opts ro;
    char self[LC_PATH_MAX];
    const long *at = (const long *)(void *)ops->data;
    FILE *out = stdout;
    double t0;
    int rc;

    sr->n = cases->len / sizeof(struct lc_case);
    sr->op_of = calloc(sr->n + 1, sizeof(int));
    sr->first_of = calloc(sr->n + 1, sizeof(long));
    sr->results = calloc(sr->n + 1, sizeof(struct lc_result));
    sr->pending = calloc(sr->n + 1, sizeof(size_t));
    if (!sr->op_of || !sr->first_of || !sr->results || !sr->pending)
        return -LC_ENOMEM;
    for (size_t i = 0; i < sr->n; i++) {
        sr->op_of[i] = (int)at[2 * i];
        sr->first_of[i] = at[2 * i + 1];
    }
    apply_settings(sr, (struct lc_case *)(void *)cases->data);
    make_spans(sr, (struct lc_case *)(void *)cases->data, sr->n);
    sr->cases = (const struct lc_case *)(void *)cases->data;
    if (sr->a->output && !(out = fopen(sr->a->output, "we"))) {
        fprintf(stderr, "leakcheck: %s: %s\n", sr->a->output, strerror(errno));
        return -LC_EIO;
    }
    if (sr->a->journal && !(sr->journal = fopen(sr->a->journal, "we")))
        fprintf(stderr, "leakcheck: --journal %s: %s\n", sr->a->journal,
                strerror(errno));
    sr->text = sr->a->fmt == LC_FORMAT_TEXT ? out : NULL;
    sr->t0 = t0 = lc_clock_now();
    rc = runner_opts(sr, &ro, self, sizeof(self));
    if (rc == 0)
        rc = lc_runner_run(sr->cases, sr->results, sr->n, &ro);
    if (sr->npending > 0) {
        if (rc == 0)
            confirm_pending(sr, &ro);
        else
            for (size_t k = 0; k < sr->npending; k++)
                emit(sr, sr->pending[k]);
    }
    if (sr->tty)
        fputs("\r\033[K", stderr);
    if (rc < 0 && rc != -LC_EINTR) {
        if (out != stdout)
            fclose(out);
        return rc;
    }
    rc = lc_run_report(sr->a, out, sr->cases, sr->results, sr->n,
                       lc_clock_now() - t0);
    if (sr->budget_s > 0)
        budget_note(sr);
    if (sr->journal)
        fclose(sr->journal);
    return rc;
}

/* One operand per word (pytest with none: its rootdir), each carrying the
 * selection options after it, and a list file each. */
static int make_operands(struct suite_run *sr, const struct lc_run_args *a,
                         const struct lc_suite_job *opts)
{
    sr->nops = a->npaths ? (size_t)a->npaths : 1;
    sr->ops = calloc(sr->nops, sizeof(*sr->ops));
    if (!sr->ops)
        return -LC_ENOMEM;
    for (size_t i = 0; i < sr->nops; i++) {
        struct operand *op = &sr->ops[i];
        int fd;

        op->sj.kind = sr->kind;
        op->sj.flags = opts->flags;
        if (a->npaths && add_word(&op->sj, a->paths[i]) < 0)
            return -LC_EUSAGE;
        if (op->sj.argv_len + opts->argv_len > sizeof(op->sj.argv))
            return lc_usage_error("options too long");
        memcpy(op->sj.argv + op->sj.argv_len, opts->argv, opts->argv_len);
        op->sj.argv_len += opts->argv_len;
        snprintf(op->list, sizeof(op->list), "/tmp/leakcheck-tests-XXXXXX");
        if ((fd = mkstemp(op->list)) < 0)
            return -LC_EIO;
        close(fd);
    }
    return 0;
}

/* `leakcheck explain TEST_ID`: the tests collected for the id must be
 * that test (or, for a pytest function or class, its parameters and
 * methods), never unittest's stand-in for a name it could not load. 0, or
 * -LC_EINPUT with a message naming the id. */
static int explained_ids(const char *id, const struct lc_buf *cases)
{
    const struct lc_case *c = (const struct lc_case *)(void *)cases->data;
    size_t n = cases->len / sizeof(*c);

    if (n == 0) {
        fprintf(stderr, "leakcheck explain: %s: no such test\n", id);
        return -LC_EINPUT;
    }
    for (size_t i = 0; i < n; i++)
        if (strncmp(c[i].id, "unittest.loader._FailedTest.", 28) == 0) {
            fprintf(stderr,
                    "leakcheck explain: %s: no such test (unittest cannot "
                    "load it: no module, class or method of that name)\n",
                    id);
            return -LC_EINPUT;
        }
    return 0;
}

static void free_explanations(struct suite_run *sr)
{
    for (size_t i = 0; sr->results && i < sr->n; i++) {
        free(sr->results[i].explain_json);
        free(sr->results[i].explain_text);
    }
}

int lc_suite_command(int argc, char **argv, enum lc_suite_kind kind,
                     const char *usage, enum lc_explain_when explain)
{
    static struct lc_suite_job opts; /* big */
    struct suite_run sr = {.kind = kind, .explain = explain};
    struct lc_run_args a;
    struct lc_buf cases, ops;
    int rc, collected;

    memset(&opts, 0, sizeof(opts));
    sr.start = lc_clock_now();
    if ((rc = take_suite_options(&argc, argv, kind, &opts, &sr.budget_s)) < 0)
        return rc;
    rc = lc_run_args_parse(argc, argv, usage, &a);
    if (rc)
        return rc > 0 ? 0 : rc;
    if (lc_suite_kind_needs_target(kind) && a.npaths == 0)
        return lc_usage_error("%s: no test module, id, file or folder given",
                              argv[0]);
    if (explain == LC_EXPLAIN_JUDGED)
        a.verbose = true; /* explain shows the explanation, whatever */
    sr.a = &a;
    sr.tty = !a.quiet && isatty(2);
    lc_buf_init(&cases, (size_t)SUITE_TESTS_MAX * sizeof(struct lc_case));
    lc_buf_init(&ops, (size_t)SUITE_TESTS_MAX * 2 * sizeof(long));
    lc_buf_init(&sr.marks,
                (size_t)SUITE_TESTS_MAX * sizeof(struct lc_test_settings));
    if ((rc = make_operands(&sr, &a, &opts)) < 0 ||
        (collected = collect(&sr)) < 0 ||
        (rc = read_lists(&sr, &cases, &ops)) < 0)
        goto out;
    if (explain == LC_EXPLAIN_JUDGED &&
        (rc = explained_ids(a.paths[0], &cases)) < 0)
        goto out;
    if (cases.len == 0 && !a.shards) { /* a shard may be empty */
        fprintf(stderr, "leakcheck: no tests found\n");
        rc = -LC_EINPUT;
        goto out;
    }
    if ((rc = lc_run_baseline(&a, (struct lc_case *)(void *)cases.data,
                              cases.len / sizeof(struct lc_case))) < 0)
        goto out;
    rc = judge(&sr, &cases, &ops);
    if (collected && (rc == 0 || rc == -LC_EFAILED))
        rc = -LC_EINPUT;
out:
    for (size_t i = 0; sr.ops && i < sr.nops; i++)
        if (sr.ops[i].list[0])
            unlink(sr.ops[i].list);
    free(sr.ops);
    free_explanations(&sr);
    free(sr.op_of);
    free(sr.first_of);
    free(sr.results);
    free(sr.pending);
    lc_buf_release(&cases);
    lc_buf_release(&ops);
    lc_buf_release(&sr.marks);
    return rc < 0 && collected > 0 && rc != -LC_EINPUT ? rc : rc;
}

/* --budget, the same for both kinds. */
#define BUDGET_HELP                                                           \
    "--budget DURATION (600, 90s, 10m, 1h) bounds the whole run: every\n"     \
    "slice is still screened; a test judged alone once it is spent gets a\n"  \
    "64-iteration plan (\"over_budget\"), and no explain pass starts.\n"

/* Each suite kind's usage (job.h, LC_SUITE_KIND_MAP), before run's
 * options. */
static const char *const usages[LC_SUITE_KIND_COUNT] = {
    [LC_SUITE_UNITTEST] =
        "usage: leakcheck unittest TARGET... [-k PATTERN] [-u RESOURCE,...]\n"
        "                          [--regrtest-cleanup] [--budget DURATION]\n"
        "                          [run's options]\n"
        "\n"
        "TARGET is a module (test.test_json, mypkg.tests.test_io), a test id, "
        "a\n"
        "file (tests/test_io.py is tests.test_io, as python -m unittest names "
        "it)\n"
        "or a folder (discovered like python -m unittest discover). Each\n"
        "test is imported once and judged on its own repetitions: "
        "setUpModule\n"
        "and setUpClass once, setUp/test/tearDown every repetition. -k keeps "
        "the\n"
        "ids matching PATTERN (*PATTERN* without a wildcard); -u enables\n"
        "test.support resources for CPython's own tests (test.*), which run "
        "as\n"
        "regrtest runs them (verbose 0, a temporary cwd). --regrtest-cleanup\n"
        "judges each leak again with regrtest's cache clearing; one that "
        "goes\n"
        "away is labelled \"held by a cache that regrtest clears\".\n"
        "--time is each test's own time bound (default 10 s).\n" BUDGET_HELP
        "\n",
    [LC_SUITE_PYTEST] =
        "usage: leakcheck pytest [PATH | NODEID ...] [-k EXPR] [-m MARKEXPR]\n"
        "                        [--regrtest-cleanup] [--budget DURATION]\n"
        "                        [run's options]\n"
        "\n"
        "Collect the items as pytest does (Debian's python3-pytest, inside "
        "the\n"
        "embedded interpreter) and judge each node id on its own "
        "repetitions:\n"
        "function-scoped fixtures are set up and torn down every repetition "
        "(a\n"
        "leak in one is the test's leak), module and session fixtures once.\n"
        "--time is each test's own time bound (default 10 s).\n" BUDGET_HELP
        "\n",
};

/* `leakcheck unittest TARGET...` and `leakcheck pytest [PATH | NODEID
 * ...]`: the command's name is its suite kind. */
int lc_cmd_suite(int argc, char **argv)
{
    int kind = lc_suite_kind_lookup(argv[0]);

    if (kind < 0)
        return lc_usage_error("%s: not a suite kind", argv[0]);
    return lc_suite_command(argc, argv, (enum lc_suite_kind)kind, usages[kind],
                            LC_EXPLAIN_LEAKS);
}
