/*
 * test_runner.c - the runner against fake workers (tests/fake/fake_worker.c)
 * that hang, crash, exit early, flood or forge their result channel: each
 * case gets the verdict and message the runner promises, and one bad worker
 * never touches its neighbours.
 */
#include <criterion/criterion.h>
#include <string.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "case.h"
#include "clock.h"
#include "runner.h"

#ifndef LC_FAKE_WORKER
#error "LC_FAKE_WORKER must name tests/fake/fake_worker's program"
#endif

#define MAX_CASES 8

static struct lc_case cases[MAX_CASES];
static struct lc_result results[MAX_CASES];

/* Run the fake worker once per mode; returns the wall time taken. */
static double run(const char *const modes[], size_t n, int jobs,
                  enum lc_explain_when explain)
{
    struct lc_runner_opts o = {.jobs = jobs,
                               .self_exe = LC_FAKE_WORKER,
                               .explain = explain,
                               .explain_timeout_s = 5};
    double t0 = lc_clock_now();

    cr_assert_leq(n, MAX_CASES);
    for (size_t i = 0; i < n; i++) {
        lc_case_init(&cases[i], modes[i]);
        cases[i].timeout_s = 0.5;
        memset(&results[i], 0, sizeof(results[i]));
    }
    cr_assert_eq(lc_runner_run(cases, results, n, &o), 0);
    return lc_clock_now() - t0;
}

Test(runner, a_whole_record_is_the_verdict)
{
    const char *const modes[] = {"good"};

    run(modes, 1, 1, LC_EXPLAIN_NONE);
    cr_assert_eq(results[0].verdict, LC_VERDICT_LEAK);
    cr_assert_eq(results[0].iterations, 7);
    cr_assert_str_eq(results[0].message, "fake good");
    cr_assert_null(results[0].explain_json);
}

Test(runner, a_hang_is_killed_at_the_timeout)
{
    const char *const modes[] = {"hang", "good"};
    double took = run(modes, 2, 2, LC_EXPLAIN_NONE);

    cr_assert_eq(results[0].verdict, LC_VERDICT_TIMEOUT);
    cr_assert_eq(results[0].phase, LC_PHASE_WORKER);
    cr_assert(strstr(results[0].message, "timeout of 0.5 s"), "%s",
              results[0].message);
    cr_assert_eq(results[1].verdict, LC_VERDICT_LEAK, "the neighbour");
    cr_assert_lt(took, 5.0, "the hang held the run for %.1f s", took);
}

Test(runner, a_crash_or_early_exit_is_a_crash_with_how)
{
    const char *const modes[] = {"crash", "exit3"};

    run(modes, 2, 1, LC_EXPLAIN_NONE);
    cr_assert_eq(results[0].verdict, LC_VERDICT_CRASH);
    cr_assert(strstr(results[0].message, "killed by signal 6"), "%s",
              results[0].message);
    cr_assert_eq(results[1].verdict, LC_VERDICT_CRASH);
    cr_assert(strstr(results[1].message, "exited with status 3"), "%s",
              results[1].message);
}

Test(runner, bytes_that_are_not_a_record_are_never_a_verdict)
{
    const char *const modes[] = {"garbage", "badcrc", "twice"};

    run(modes, 3, 3, LC_EXPLAIN_NONE);
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(results[i].verdict, LC_VERDICT_CRASH, "%s", modes[i]);
        cr_assert(strstr(results[i].message, "wrote into it"), "%s: %s",
                  modes[i], results[i].message);
    }
}

Test(runner, a_flood_is_bounded_and_refused)
{
    const char *const modes[] = {"flood", "good"};

    run(modes, 2, 2, LC_EXPLAIN_NONE);
    cr_assert_eq(results[0].verdict, LC_VERDICT_CRASH);
    cr_assert(strstr(results[0].message, "xxxx"), "the stderr tail is kept");
    cr_assert_leq(strlen(results[0].message), sizeof(results[0].message));
    cr_assert_eq(results[1].verdict, LC_VERDICT_LEAK);
}

Test(runner, a_leak_gets_its_explain_pass_in_the_same_slot)
{
    const char *const modes[] = {"good"};

    run(modes, 1, 1, LC_EXPLAIN_LEAKS);
    cr_assert_eq(results[0].verdict, LC_VERDICT_LEAK);
    cr_assert_str_eq(results[0].explain_json, "{\"ok\": 1}");
    cr_assert_str_eq(results[0].explain_text, "fake explanation");
    free(results[0].explain_json);
    free(results[0].explain_text);
}

/* The suite command's make_job (src/cmd/suitecmd.c): a span's verdict
 * job judges its tests, an explain job gets its one test. */
static void span_job(void *ctx, size_t i, struct lc_job *job)
{
    (void)ctx;
    job->suite.first = (long)i;
    job->suite.count = job->kind == LC_JOB_EXPLAIN ? 1 : (long)cases[i].span;
    if (job->kind == LC_JOB_VERDICT)
        job->kind = LC_JOB_SUITE;
}

static size_t ndone;
static bool explained_when_done[MAX_CASES];

static void note_done(void *ctx, size_t i)
{
    (void)ctx;
    ndone++;
    explained_when_done[i] = results[i].explain_text != NULL;
}

/* cases[0..3): one span of three tests t0, t1, t2 of the fake's mode. */
static void span_of_three(const char *mode)
{
    for (int i = 0; i < 3; i++) {
        lc_case_init(&cases[i], mode);
        snprintf(cases[i].id, sizeof(cases[i].id), "t%d", i);
        cases[i].timeout_s = 5;
        memset(&results[i], 0, sizeof(results[i]));
    }
    cases[0].span = 3;
}

Test(runner, the_leaks_of_a_span_are_explained_after_it)
{
    struct lc_runner_opts o = {.jobs = 1,
                               .self_exe = LC_FAKE_WORKER,
                               .explain = LC_EXPLAIN_LEAKS,
                               .explain_timeout_s = 5,
                               .make_job = span_job,
                               .on_done = note_done};
    static const char *const want[] = {
        "fake explanation of t0 (first 0, count 1)", NULL,
        "fake explanation of t2 (first 2, count 1)"};

    span_of_three("span");
    cr_assert_eq(lc_runner_run(cases, results, 3, &o), 0);
    cr_assert_eq(ndone, 3);
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(results[i].verdict,
                     want[i] ? LC_VERDICT_LEAK : LC_VERDICT_CLEAN, "t%d", i);
        cr_assert_eq(explained_when_done[i], want[i] != NULL,
                     "t%d: reported once explained, and only a leak", i);
        if (want[i])
            cr_assert_str_eq(results[i].explain_text, want[i]);
        free(results[i].explain_json);
        free(results[i].explain_text);
    }
}

/* A folder under TMPDIR for a fake mode's entries: mode becomes
 * "KIND:DIR". */
static void meeting_place(const char *kind, char *dir, size_t dirlen,
                          char *mode, size_t modelen)
{
    const char *tmp = getenv("TMPDIR");

    /* mkdtemp's template: it replaces the six X */
    snprintf(dir, dirlen, "%s/leakcheck-test-meet-XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    cr_assert(mkdtemp(dir));
    snprintf(mode, modelen, "%s:%s", kind, dir);
}

/* The entries of the three tests' passes, and the folder. */
static void leave_place(const char *dir)
{
    char path[600];

    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof(path), "%s/t%d", dir, i);
        unlink(path);
    }
    rmdir(dir);
}

/* The span of three of the fake's KIND:DIR mode, -j2 with explain
 * passes; its folder made before and removed after the run. */
static void run_span_on_two_slots(const char *kind)
{
    struct lc_runner_opts o = {.jobs = 2,
                               .self_exe = LC_FAKE_WORKER,
                               .explain = LC_EXPLAIN_LEAKS,
                               .explain_timeout_s = 10,
                               .make_job = span_job,
                               .on_done = note_done};
    char dir[512], mode[sizeof(cases[0].path)];
    int rc;

    meeting_place(kind, dir, sizeof(dir), mode, sizeof(mode));
    ndone = 0;
    span_of_three(mode);
    cases[0].timeout_s = 10;
    rc = lc_runner_run(cases, results, 3, &o);
    leave_place(dir); /* before asserting */
    cr_assert_eq(rc, 0);
    cr_assert_eq(ndone, 3);
}

/* -j2: a span's leak is explained in the free slot while the span goes
 * on (the fake span answers t1 only once t0's pass has come, or after 5
 * s): its explain pass does not wait for the whole span. */
Test(runner, a_leak_is_explained_while_its_span_goes_on)
{
    run_span_on_two_slots("early");
    cr_assert_str_eq(results[1].message, "t0 explained meanwhile");
    for (int i = 0; i < 3; i += 2) {
        cr_assert_eq(results[i].verdict, LC_VERDICT_LEAK, "t%d", i);
        cr_assert(explained_when_done[i], "t%d reported once explained", i);
        free(results[i].explain_json);
        free(results[i].explain_text);
    }
}

/* Two leaks of one span, -j2: their explain passes run at once, one in
 * each slot (the fake passes wait for each other, tests/fake). */
Test(runner, the_leaks_of_a_span_are_explained_on_every_slot)
{
    run_span_on_two_slots("meet");
    for (int i = 0; i < 3; i += 2) {
        cr_assert_eq(results[i].verdict, LC_VERDICT_LEAK, "t%d", i);
        cr_assert_str_eq(results[i].explain_text, "met", "t%d", i);
        cr_assert(explained_when_done[i], "t%d reported once explained", i);
        free(results[i].explain_json);
        free(results[i].explain_text);
    }
    cr_assert_null(results[1].explain_text);
}

Test(runner, a_judged_case_is_not_run_again)
{
    const char *const modes[] = {"crash"};
    struct lc_runner_opts o = {.jobs = 1, .self_exe = LC_FAKE_WORKER};

    lc_case_init(&cases[0], modes[0]);
    memset(&results[0], 0, sizeof(results[0]));
    lc_result_fail(&results[0], LC_VERDICT_ERROR, LC_PHASE_HEADER, "bad");
    cr_assert_eq(lc_runner_run(cases, results, 1, &o), 0);
    cr_assert_eq(results[0].verdict, LC_VERDICT_ERROR);
    cr_assert_str_eq(results[0].message, "bad");
}
