/*
 * test_baseline.c - known leaks (baseline.h): read from a list or from a
 * JSON report, marked on the cases, and what the reports make of them.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baseline.h"
#include "errors.h"
#include "report.h"

static char path[64];

static void write_tmp(const char *text)
{
    int fd;
    FILE *f;

    snprintf(path, sizeof(path), "/tmp/lc-baseline-XXXXXX");
    cr_assert((fd = mkstemp(path)) >= 0);
    cr_assert(f = fdopen(fd, "w"));
    fputs(text, f);
    fclose(f);
}

static void drop_tmp(void)
{
    unlink(path);
}

static void test_case(struct lc_case *c, const char *id)
{
    lc_case_init(c, "tests/test_app.py");
    snprintf(c->id, sizeof(c->id), "%s", id);
}

TestSuite(baseline, .fini = drop_tmp);

Test(baseline, a_list_marks_known_and_new_and_the_summary_counts_them)
{
    struct lc_baseline b;
    struct lc_case c[3];
    struct lc_result r[3] = {{0}};
    struct lc_summary sum;
    char err[256] = "";

    write_tmp(
        "# known leaks\n\n  test_app.py::test_a  \ntest_app.py::test_b\n");
    cr_assert_eq(lc_baseline_read(path, &b, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(b.n, 2);
    test_case(&c[0], "test_app.py::test_a");
    test_case(&c[1], "test_app.py::test_b");
    test_case(&c[2], "test_app.py::test_c");
    lc_baseline_mark(&b, c, 3);
    lc_baseline_release(&b);
    cr_assert_eq(c[0].baseline, LC_BASELINE_KNOWN);
    cr_assert_eq(c[1].baseline, LC_BASELINE_KNOWN);
    cr_assert_eq(c[2].baseline, LC_BASELINE_NEW);
    r[0].verdict = LC_VERDICT_LEAK;  /* known */
    r[1].verdict = LC_VERDICT_CLEAN; /* fixed */
    r[2].verdict = LC_VERDICT_LEAK;  /* new: fails */
    cr_assert(lc_report_ok(&c[0], &r[0]));
    cr_assert(lc_report_ok(&c[1], &r[1]));
    cr_assert_not(lc_report_ok(&c[2], &r[2]));
    cr_assert_str_eq(lc_report_baseline_word(&c[0], &r[0]), "known");
    cr_assert_str_eq(lc_report_baseline_word(&c[1], &r[1]), "fixed");
    cr_assert_null(lc_report_baseline_word(&c[2], &r[2]));
    lc_report_summarize(c, r, 3, 1.0, &sum);
    cr_assert(sum.baseline && sum.tests);
    cr_assert_eq(sum.known, 1);
    cr_assert_eq(sum.fixed, 1);
    cr_assert_eq(sum.ok, 2);
}

Test(baseline, a_json_report_lists_its_leaks_only)
{
    struct lc_baseline b;
    struct lc_case c[2];
    char err[256] = "";

    write_tmp("{\"schema_version\": 1, \"cases\": [\n"
              "  {\"path\": \"t.py\", \"id\": \"t.py::leaky\", \"expect\": "
              "\"clean\", \"verdict\": \"leak\", \"ok\": false, "
              "\"iterations\": 1, \"measured\": 1, \"elapsed_s\": 0, "
              "\"growth\": {}},\n"
              "  {\"path\": \"t.py\", \"id\": \"t.py::fine\", \"expect\": "
              "\"clean\", \"verdict\": \"clean\", \"ok\": true, "
              "\"iterations\": 1, \"measured\": 1, \"elapsed_s\": 0, "
              "\"growth\": {}}\n], \"summary\": {}}\n");
    cr_assert_eq(lc_baseline_read(path, &b, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(b.n, 1);
    test_case(&c[0], "t.py::leaky");
    test_case(&c[1], "t.py::fine");
    lc_baseline_mark(&b, c, 2);
    lc_baseline_release(&b);
    cr_assert_eq(c[0].baseline, LC_BASELINE_KNOWN);
    cr_assert_eq(c[1].baseline, LC_BASELINE_NEW);
}

Test(baseline, a_missing_or_broken_file_is_an_error_naming_it)
{
    struct lc_baseline b;
    char err[256] = "";

    cr_assert_eq(
        lc_baseline_read("/nonexistent/known.json", &b, err, sizeof(err)),
        -LC_EIO);
    lc_baseline_release(&b);
    cr_assert(strstr(err, "/nonexistent/known.json"), "%s", err);
    write_tmp("{\"cases\": [ {\"path\": 1} ]}\n");
    cr_assert_eq(lc_baseline_read(path, &b, err, sizeof(err)), -LC_EINPUT);
    lc_baseline_release(&b);
    cr_assert(strstr(err, path), "%s", err);
}
