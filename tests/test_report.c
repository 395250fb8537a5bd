/*
 * test_report.c - what report.h writes, in every format, for a few made-up
 * cases: one per verdict, plus one whose path and message hold every kind of
 * byte that can break a format.
 *
 * Reports go to a memory stream. JSON and JUnit are checked by Debian's
 * Python parsers (json, xml.etree) through popen, so "valid" means what a
 * consumer of the report will see.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "errors.h"
#include "report.h"

#define PYTHON "/usr/bin/python3.11"

enum {
    C_LEAK,
    C_CLEAN,
    C_ERROR,
    C_CRASH,
    C_TIMEOUT,
    C_UNEXPECTED,
    C_NASTY,
    NCASES
};

static struct lc_case cases[NCASES];
static struct lc_result results[NCASES];

/* Bytes that break formats: quotes, backslashes, newline, tab, CR, other
 * control bytes, DEL, markup, invalid UTF-8 (a lone continuation byte, a
 * truncated sequence, an overlong '/', a surrogate) and valid UTF-8. */
static const char nasty_path[] =
    "cases/we\"ird\\na\nme\t\r\x01\x1b[31m\x7f<&>'"
    "\x80\xc3(\xc0\xaf\xed\xa0\x80"
    "caf\xc3\xa9.py";
static const char nasty_msg[] =
    "Traceback (most recent call last):\n"
    "  File \"x.py\", line 1, in run\n"
    "ValueError: \"quoted\" back\\slash \x02\x1f\x7f <tag> & ]]> \xff\xfe"
    " \xe2\x82 end\n";

static void fixture(void)
{
    struct lc_result *r;

    memset(results, 0, sizeof(results));
    lc_case_init(&cases[C_LEAK], "cases/global_registry.py");
    cases[C_LEAK].expect = LC_EXPECT_LEAK;
    snprintf(cases[C_LEAK].source, sizeof(cases[C_LEAK].source),
             "seed \"article\"");
    r = &results[C_LEAK];
    r->magic = LC_RESULT_MAGIC;
    r->verdict = LC_VERDICT_LEAK;
    r->iterations = 100;
    r->measured = 90;
    r->elapsed_s = 0.25;
    r->gc_enabled = true;
    r->leaking = (1u << LC_SIG_PY_BLOCKS) | (1u << LC_SIG_PY_BYTES);
    r->trend[LC_SIG_PY_BLOCKS] = (struct lc_trend){.leak = true,
                                                   .per_iter = 1,
                                                   .total = 60,
                                                   .grew = 60,
                                                   .steps = 60,
                                                   .floor_gap = 20};
    r->trend[LC_SIG_PY_BYTES] = (struct lc_trend){.leak = true,
                                                  .per_iter = 56,
                                                  .total = 3360,
                                                  .grew = 60,
                                                  .steps = 60,
                                                  .floor_gap = 1120};
    /* Grew, but the case does not check it: not part of the growth. */
    r->trend[LC_SIG_FDS] = (struct lc_trend){
        .leak = true, .per_iter = 2, .total = 120, .steps = 60};

    lc_case_init(&cases[C_CLEAN], "cases/clean.py");
    r = &results[C_CLEAN];
    r->magic = LC_RESULT_MAGIC;
    r->verdict = LC_VERDICT_CLEAN;
    r->iterations = 40;
    r->measured = 30;
    r->elapsed_s = 0.04;
    r->gc_enabled = true;

    lc_case_init(&cases[C_ERROR], "cases/raises.py");
    r = &results[C_ERROR];
    r->magic = LC_RESULT_MAGIC;
    r->verdict = LC_VERDICT_ERROR;
    r->iterations = 5;
    r->phase = LC_PHASE_SETUP;
    snprintf(r->message, sizeof(r->message),
             "Traceback (most recent call last):\n"
             "RuntimeError: SetupBoom\n");

    lc_case_init(&cases[C_CRASH], "cases/segv.py");
    r = &results[C_CRASH];
    r->magic = LC_RESULT_MAGIC;
    r->verdict = LC_VERDICT_CRASH;
    r->phase = LC_PHASE_WORKER;
    snprintf(r->message, sizeof(r->message),
             "worker killed by signal 11 (Segmentation fault)\n");

    lc_case_init(&cases[C_TIMEOUT], "cases/hang.py");
    cases[C_TIMEOUT].timeout_s = 1;
    r = &results[C_TIMEOUT];
    r->magic = LC_RESULT_MAGIC;
    r->verdict = LC_VERDICT_TIMEOUT;
    r->elapsed_s = 1;
    r->phase = LC_PHASE_WORKER;
    snprintf(r->message, sizeof(r->message), "killed after the timeout");

    /* Expected a leak, found none: a failure that is not an error. */
    lc_case_init(&cases[C_UNEXPECTED], "cases/fixed.py");
    cases[C_UNEXPECTED].expect = LC_EXPECT_LEAK;
    r = &results[C_UNEXPECTED];
    r->magic = LC_RESULT_MAGIC;
    r->verdict = LC_VERDICT_CLEAN;
    r->iterations = 40;
    r->measured = 30;

    lc_case_init(&cases[C_NASTY], nasty_path);
    snprintf(cases[C_NASTY].source, sizeof(cases[C_NASTY].source), "%s",
             nasty_msg);
    r = &results[C_NASTY];
    r->magic = LC_RESULT_MAGIC;
    r->verdict = LC_VERDICT_ERROR;
    r->phase = LC_PHASE_RUN;
    snprintf(r->message, sizeof(r->message), "%s", nasty_msg);
}

/* The report of cases[from..from+n) in fmt, as a malloc'ed string. */
static char *report(enum lc_format fmt, size_t from, size_t n)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    cr_assert_not_null(f);
    cr_assert_eq(lc_report_write(f, fmt, cases + from, results + from, n, 1.5),
                 0);
    cr_assert_eq(fclose(f), 0);
    cr_assert_eq(strlen(buf), len, "a NUL byte in the report");
    return buf;
}

/* Feed text to a Python check; returns its exit status and its output. */
static int python_check(const char *script, const char *text, char *out,
                        size_t outlen)
{
    char tmpl[] = "/tmp/lc-test-report-XXXXXX";
    char cmd[4096];
    int fd = mkstemp(tmpl), status;
    FILE *p;
    size_t n;

    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    snprintf(cmd, sizeof(cmd), PYTHON " -I -c '%s' < %s 2>&1", script, tmpl);
    p = popen(cmd, "r");
    cr_assert_not_null(p);
    n = fread(out, 1, outlen - 1, p);
    out[n] = '\0';
    status = pclose(p);
    unlink(tmpl);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Parses the JSON report, checks its required keys, and prints facts the
 * test compares: per case verdict|ok|growth, then the nasty path back. */
static const char json_check[] =
    "import json, sys\n"
    "def strict(c): raise ValueError(\"not JSON: \" + c)\n"
    "doc = json.load(sys.stdin, parse_constant=strict)\n"
    "assert set(doc) == {\"schema_version\", \"cases\", \"summary\"},"
    " doc.keys()\n"
    "assert doc[\"schema_version\"] == 1, doc[\"schema_version\"]\n"
    "need = {\"path\", \"expect\", \"verdict\", \"ok\", \"iterations\","
    " \"elapsed_s\", \"growth\"}\n"
    "for c in doc[\"cases\"]:\n"
    "    assert need <= set(c), (need - set(c))\n"
    "    assert isinstance(c[\"ok\"], bool)\n"
    "    assert isinstance(c[\"iterations\"], int)\n"
    "    assert isinstance(c[\"elapsed_s\"], float)\n"
    "    print(c[\"verdict\"], c[\"expect\"], c[\"ok\"],\n"
    "          json.dumps(c[\"growth\"], sort_keys=True), c.get(\"phase\"),\n"
    "          sep=\"|\")\n"
    "print(json.dumps(doc[\"summary\"], sort_keys=True))\n"
    "for c in doc[\"cases\"]:\n"
    "    print(ascii(c[\"path\"]))\n"
    "    print(ascii(c.get(\"message\")))\n"
    "    print(ascii(c.get(\"source\")))\n";

Test(report, json_has_the_required_keys_and_values, .init = fixture)
{
    char *json = report(LC_FORMAT_JSON, 0, C_NASTY);
    static char out[16384];
    int rc = python_check(json_check, json, out, sizeof(out));

    cr_assert_eq(rc, 0, "invalid JSON report:\n%s\n%s", out, json);
    cr_expect_str_eq(
        out,
        "leak|leak|True|{\"py_blocks\": 1, \"py_bytes\": 56}|None\n"
        "clean|clean|True|{}|None\n"
        "error|clean|False|{}|setup\n"
        "crash|clean|False|{}|worker\n"
        "timeout|clean|False|{}|worker\n"
        "clean|leak|False|{}|None\n"
        "{\"cases\": 6, \"clean\": 2, \"crash\": 1, \"elapsed_s\": 1.5, "
        "\"error\": 1, \"failed\": 4, \"leak\": 1, \"ok\": 2, "
        "\"timeout\": 1}\n"
        "'cases/global_registry.py'\n"
        "None\n"
        "'seed \"article\"'\n"
        "'cases/clean.py'\nNone\nNone\n"
        "'cases/raises.py'\n"
        "'Traceback (most recent call last):\\nRuntimeError: SetupBoom\\n'\n"
        "None\n"
        "'cases/segv.py'\n"
        "'worker killed by signal 11 (Segmentation fault)\\n'\nNone\n"
        "'cases/hang.py'\n'killed after the timeout'\nNone\n"
        "'cases/fixed.py'\nNone\nNone\n",
        "got:\n%s", out);
    free(json);
}

Test(report, json_stays_valid_for_any_bytes, .init = fixture)
{
    static const char check[] =
        "import json, sys\n"
        "def strict(c): raise ValueError(\"not JSON: \" + c)\n"
        "doc = json.load(sys.stdin, parse_constant=strict)\n"
        "c = doc[\"cases\"][0]\n"
        "print(ascii(c[\"path\"]))\n"
        "print(ascii(c[\"message\"]))\n"
        "print(ascii(c[\"source\"]))\n";
    char *json = report(LC_FORMAT_JSON, C_NASTY, 1);
    static char out[16384];
    int rc = python_check(check, json, out, sizeof(out));

    cr_assert_eq(rc, 0, "invalid JSON for nasty bytes:\n%s\n%s", out, json);
    /* Every byte of valid text comes back as it was; each invalid byte
     * becomes U+FFFD. */
    cr_expect_str_eq(
        out,
        "'cases/we\"ird\\\\na\\nme\\t\\r\\x01\\x1b[31m\\x7f<&>\\'"
        "\\ufffd\\ufffd(\\ufffd\\ufffd\\ufffd\\ufffd\\ufffdcaf\\xe9.py'\n"
        "'Traceback (most recent call last):\\n"
        "  File \"x.py\", line 1, in run\\n"
        "ValueError: \"quoted\" back\\\\slash \\x02\\x1f\\x7f <tag> & ]]> "
        "\\ufffd\\ufffd \\ufffd\\ufffd end\\n'\n"
        "'Traceback (most recent call last):\\n"
        "  File \"x.py\", line 1, in run\\n"
        "ValueError: \"quoted\" back\\\\slash \\x02\\x1f\\x7f <tag> & ]]> "
        "\\ufffd\\ufffd \\ufffd\\ufffd end\\n'\n",
        "got:\n%s\nfrom:\n%s", out, json);
    free(json);
}

Test(report, json_growth_lists_only_the_checked_signals, .init = fixture)
{
    char *json;

    /* The fds trend says leak, but only py_* are in r->leaking. */
    json = report(LC_FORMAT_JSON, C_LEAK, 1);
    cr_expect_neq(strstr(json, "\"growth\": {\"py_blocks\": 1, "
                               "\"py_bytes\": 56}"),
                  NULL, "%s", json);
    free(json);

    /* Fractional rates keep their digits. */
    results[C_LEAK].leaking = 1u << LC_SIG_NATIVE;
    results[C_LEAK].trend[LC_SIG_NATIVE].per_iter = 1234.5;
    json = report(LC_FORMAT_JSON, C_LEAK, 1);
    cr_expect_neq(strstr(json, "\"growth\": {\"native_bytes\": 1234.5}"), NULL,
                  "%s", json);
    free(json);
}

Test(report, json_carries_the_explanation, .init = fixture)
{
    static const char check[] =
        "import json, sys\n"
        "def strict(c): raise ValueError(\"not JSON: \" + c)\n"
        "for c in json.load(sys.stdin, parse_constant=strict)[\"cases\"]:\n"
        "    print(ascii(c.get(\"explanation\")))\n";
    static char out[4096];
    char *json;
    int rc;

    /* The explain pass's object, as it came; its failure, as text in
     * {"error": ...}; nothing when there was no pass. */
    results[C_LEAK].explain_json = "{\"grew\": [{\"type\": \"object\", "
                                   "\"per_iter\": 1.0}]}";
    results[C_LEAK].explain_text = "1. What grew\n";
    results[C_CLEAN].explain_text =
        "explanation failed: the pass was killed by signal 9\n\"\x01\xff";
    json = report(LC_FORMAT_JSON, C_LEAK, 2);
    rc = python_check(check, json, out, sizeof(out));
    cr_assert_eq(rc, 0, "%s\n%s", out, json);
    cr_expect_str_eq(out,
                     "{'grew': [{'type': 'object', 'per_iter': 1.0}]}\n"
                     "{'error': 'explanation failed: the pass was killed by "
                     "signal 9\\n\"\\x01\\ufffd'}\n",
                     "got:\n%s\nfrom:\n%s", out, json);
    free(json);
    results[C_LEAK].explain_json = results[C_LEAK].explain_text = NULL;
    results[C_CLEAN].explain_text = NULL;
}

Test(report, json_of_no_cases_is_valid, .init = fixture)
{
    char *json = report(LC_FORMAT_JSON, 0, 0);
    char out[1024];
    int rc = python_check("import json,sys; d = json.load(sys.stdin); "
                          "print(d[\"cases\"], d[\"summary\"][\"cases\"])",
                          json, out, sizeof(out));

    cr_expect_eq(rc, 0, "%s\n%s", out, json);
    cr_expect_str_eq(out, "[] 0\n", "%s", json);
    free(json);
}

/* Lines of text, split on '\n'. */
static size_t split_lines(char *text, char **lines, size_t max)
{
    size_t n = 0;

    for (char *s = text; *s && n < max;) {
        char *nl = strchr(s, '\n');

        cr_assert_not_null(nl, "last line has no newline: %s", s);
        *nl = '\0';
        lines[n++] = s;
        s = nl + 1;
    }
    return n;
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

Test(report, text_is_one_line_per_case_then_a_summary, .init = fixture)
{
    char *text = report(LC_FORMAT_TEXT, 0, C_NASTY);
    char *lines[64];
    size_t n, heads = 0;

    n = split_lines(text, lines, 64);
    /* Case lines start with ok/FAIL; indented lines carry messages. */
    for (size_t i = 0; i < n - 1; i++) {
        if (starts_with(lines[i], "     | "))
            continue;
        heads++;
        cr_expect(starts_with(lines[i], "ok   ") ||
                      starts_with(lines[i], "FAIL "),
                  "line %zu: %s", i, lines[i]);
    }
    cr_expect_eq(heads, C_NASTY, "%zu case lines", heads);
    cr_expect(starts_with(lines[0], "ok   leak    cases/global_registry.py"),
              "%s", lines[0]);
    cr_expect_neq(strstr(lines[0], "py_blocks +1/it"), NULL, "%s", lines[0]);
    cr_expect_neq(strstr(lines[0], "py_bytes +56/it"), NULL, "%s", lines[0]);
    cr_expect_eq(strstr(lines[0], "fds"), NULL, "unchecked signal shown: %s",
                 lines[0]);
    cr_expect_neq(strstr(lines[0], "100 it"), NULL, "%s", lines[0]);
    cr_expect(starts_with(lines[1], "ok   clean   cases/clean.py"), "%s",
              lines[1]);
    cr_expect(starts_with(lines[2], "FAIL error   cases/raises.py"), "%s",
              lines[2]);
    cr_expect_neq(strstr(lines[2], "in setup"), NULL, "%s", lines[2]);
    cr_expect_str_eq(lines[3], "     | Traceback (most recent call last):");
    cr_expect_str_eq(lines[4], "     | RuntimeError: SetupBoom");
    cr_expect(starts_with(lines[5], "FAIL crash   cases/segv.py"), "%s",
              lines[5]);
    cr_expect(starts_with(lines[7], "FAIL timeout cases/hang.py"), "%s",
              lines[7]);
    cr_expect(starts_with(lines[9], "FAIL clean   cases/fixed.py"), "%s",
              lines[9]);
    cr_expect_neq(strstr(lines[9], "expected leak"), NULL, "%s", lines[9]);
    cr_expect_str_eq(lines[n - 1],
                     "6 cases: 2 clean, 1 leak, 1 error, 1 crash, 1 timeout; "
                     "2 as expected, 4 not; 1.5 s");
    free(text);
}

Test(report, text_keeps_a_nasty_path_on_its_line, .init = fixture)
{
    char *text = report(LC_FORMAT_TEXT, C_NASTY, 1);
    char *lines[64];
    size_t n = split_lines(text, lines, 64);

    cr_expect(starts_with(lines[0], "FAIL error   cases/we\"ird\\na?me???"),
              "%s", lines[0]);
    cr_expect_neq(strstr(lines[0], "in run"), NULL,
                  "the rest of the case line moved: %s", lines[0]);
    for (const char *p = lines[0]; *p; p++)
        cr_expect((unsigned char)*p >= 0x20 && *p != 0x7f,
                  "control byte %#x in the case line", (unsigned char)*p);
    /* The message is indented line by line; then the summary. */
    for (size_t i = 1; i < n - 1; i++)
        cr_expect(starts_with(lines[i], "     | "), "line %zu: %s", i,
                  lines[i]);
    cr_expect(starts_with(lines[n - 1], "1 cases: "), "%s", lines[n - 1]);
    free(text);
}

Test(report, text_case_lines_written_one_by_one_match, .init = fixture)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct lc_summary s;

    lc_report_text_case(f, &cases[C_CLEAN], &results[C_CLEAN]);
    lc_report_summarize(cases, results, NCASES, 2.25, &s);
    lc_report_text_summary(f, &s);
    fclose(f);
    cr_expect_str_eq(buf,
                     "ok   clean   cases/clean.py  40 it 0.04 s\n"
                     "7 cases: 2 clean, 1 leak, 2 error, 1 crash, 1 timeout; "
                     "2 as expected, 5 not; 2.2 s\n");
    cr_expect_eq(s.cases, NCASES);
    cr_expect_eq(s.ok, 2);
    cr_expect_eq(s.by_verdict[LC_VERDICT_ERROR], 2);
    cr_expect_float_eq(s.elapsed_s, 2.25, 1e-12);
    free(buf);
}

Test(report, text_shows_failed_explanations_after_the_summary, .init = fixture)
{
    char *text, *lines[16];
    size_t n;

    results[C_LEAK].explain_text = "1. What grew\n   +1 object\x1b[2J\n";
    text = report(LC_FORMAT_TEXT, C_LEAK, 1);
    n = split_lines(text, lines, 16);
    cr_assert_eq(n, 2, "an expected leak's explanation waits for -v: %s",
                 text);
    cr_expect(starts_with(lines[1], "1 cases: "), "%s", lines[1]);
    free(text);

    cases[C_LEAK].expect = LC_EXPECT_CLEAN;
    text = report(LC_FORMAT_TEXT, C_LEAK, 1);
    n = split_lines(text, lines, 16);
    cr_assert_eq(n, 6, "%s", text);
    cr_expect(starts_with(lines[0], "FAIL leak    cases/global_registry.py"));
    cr_expect(starts_with(lines[1], "1 cases: "), "the summary first: %s",
              lines[1]);
    cr_expect_str_eq(lines[2], "");
    cr_expect_str_eq(lines[3], "Why cases/global_registry.py (FAIL leak, "
                               "expected clean):");
    cr_expect_str_eq(lines[4], "     | 1. What grew");
    cr_expect_str_eq(lines[5], "     |    +1 object?[2J",
                     "escape sequences from a case must not reach the "
                     "terminal");
    free(text);
    cases[C_LEAK].expect = LC_EXPECT_LEAK;
    results[C_LEAK].explain_text = NULL;
}

Test(report, ok_means_the_verdict_matches_expect, .init = fixture)
{
    struct lc_case c;
    struct lc_result r = {0};

    lc_case_init(&c, "x.py");
    for (int e = 0; e < 2; e++) {
        c.expect = e ? LC_EXPECT_LEAK : LC_EXPECT_CLEAN;
        for (int v = 0; v < LC_VERDICT_COUNT; v++) {
            /* A suite's skipped test is what its suite asks for. */
            bool want = (e && v == LC_VERDICT_LEAK) ||
                        (!e && v == LC_VERDICT_CLEAN) ||
                        v == LC_VERDICT_SKIPPED;

            r.verdict = (enum lc_verdict)v;
            cr_expect_eq(lc_report_ok(&c, &r), want, "expect %s, verdict %s",
                         lc_expect_name(c.expect), lc_verdict_name(v));
        }
    }
}

Test(report, format_names)
{
    cr_expect_eq(lc_format_lookup("text"), LC_FORMAT_TEXT);
    cr_expect_eq(lc_format_lookup("json"), LC_FORMAT_JSON);
    cr_expect_eq(lc_format_lookup("junit"), LC_FORMAT_JUNIT);
    cr_expect_eq(lc_format_lookup("xml"), -1);
    cr_expect_eq(lc_format_lookup("JSON"), -1);
    cr_expect_eq(lc_format_lookup(""), -1);
}

/* Parses the JUnit report and prints what a CI server would show. */
static const char junit_check[] =
    "import sys, xml.etree.ElementTree as ET\n"
    "root = ET.parse(sys.stdin.buffer).getroot()\n"
    "s = root.find(\"testsuite\")\n"
    "print(s.get(\"tests\"), s.get(\"failures\"), s.get(\"errors\"))\n"
    "for t in s.findall(\"testcase\"):\n"
    "    e = t.find(\"error\")\n"
    "    f = t.find(\"failure\")\n"
    "    print(ascii(t.get(\"name\")),\n"
    "          \"error:\" + e.get(\"type\") + \":\" + ascii(e.text)"
    " if e is not None else\n"
    "          \"failure:\" + f.get(\"message\") + \":\" + ascii(f.text)"
    " if f is not None else \"pass\")\n";

Test(report, junit_is_well_formed_with_errors_and_failures, .init = fixture)
{
    char *xml = report(LC_FORMAT_JUNIT, 0, C_NASTY);
    static char out[16384];
    int rc = python_check(junit_check, xml, out, sizeof(out));

    cr_assert_eq(rc, 0, "invalid JUnit XML:\n%s\n%s", out, xml);
    cr_expect_str_eq(
        out,
        "6 1 3\n"
        "'cases/global_registry.py' pass\n"
        "'cases/clean.py' pass\n"
        "'cases/raises.py' error:error:'Traceback (most recent call "
        "last):\\nRuntimeError: SetupBoom\\n'\n"
        "'cases/segv.py' error:crash:'worker killed by signal 11 "
        "(Segmentation fault)\\n'\n"
        "'cases/hang.py' error:timeout:'killed after the timeout'\n"
        "'cases/fixed.py' failure:got clean, expected leak:None\n",
        "got:\n%s\nfrom:\n%s", out, xml);
    free(xml);
}

Test(report, junit_escapes_markup_and_control_bytes, .init = fixture)
{
    static const char check[] =
        "import sys, xml.etree.ElementTree as ET\n"
        "t = ET.parse(sys.stdin.buffer).getroot().find(\"testsuite\")"
        ".find(\"testcase\")\n"
        "print(ascii(t.get(\"name\")))\n"
        "print(ascii(t.find(\"error\").text))\n";
    static char out[4096];
    char *xml;
    int rc;

    /* Valid UTF-8 throughout: markup, quotes, control bytes. */
    lc_case_init(&cases[C_NASTY], "cases/<a&b>\"q\"\x01\x1b\x7f.py");
    snprintf(results[C_NASTY].message, sizeof(results[C_NASTY].message),
             "<tag attr=\"v\"> & ]]> \x02\x1f caf\xc3\xa9\n");
    xml = report(LC_FORMAT_JUNIT, C_NASTY, 1);
    cr_expect_eq(strstr(xml, "<tag"), NULL, "%s", xml);
    cr_expect_neq(strstr(xml, "&lt;tag attr="), NULL, "%s", xml);
    cr_expect_eq(strchr(xml, '\x01'), NULL);
    cr_expect_eq(strchr(xml, '\x02'), NULL);
    cr_expect_eq(strchr(xml, '\x1b'), NULL);
    rc = python_check(check, xml, out, sizeof(out));
    cr_assert_eq(rc, 0, "not well-formed:\n%s\n%s", out, xml);
    /* What a CI server shows: the text back, control bytes (DEL too, as in
     * the text report) as '?'. */
    cr_expect_str_eq(out,
                     "'cases/<a&b>\"q\"???.py'\n"
                     "'<tag attr=\"v\"> & ]]> ?? caf\\xe9\\n'\n",
                     "got:\n%s\nfrom:\n%s", out, xml);
    free(xml);
}

Test(report, junit_stays_well_formed_for_invalid_utf8, .init = fixture)
{
    char *xml = report(LC_FORMAT_JUNIT, C_NASTY, 1);
    static char out[16384];
    int rc = python_check(junit_check, xml, out, sizeof(out));

    /* The document says encoding="UTF-8": a path or message that is not
     * (a Latin-1 file name, bytes a case printed) must not break it. */
    cr_expect_eq(rc, 0,
                 "invalid UTF-8 in a path or message must still make "
                 "well-formed XML:\n%s",
                 out);
    free(xml);
}

Test(report, write_fails_on_a_failed_stream, .init = fixture)
{
    FILE *f = fopen("/dev/full", "w");

    cr_assert_not_null(f);
    setvbuf(f, NULL, _IONBF, 0);
    cr_expect_eq(
        lc_report_write(f, LC_FORMAT_JSON, cases, results, NCASES, 1.0),
        -LC_EIO);
    fclose(f);
}

/* Feed text to xmllint (libxml2, a parser CI servers' JUnit readers are
 * built on); returns its exit status and its complaints. */
static int xmllint_check(const char *text, char *out, size_t outlen)
{
    char tmpl[] = "/tmp/lc-test-report-XXXXXX";
    char cmd[256];
    int fd = mkstemp(tmpl), status;
    FILE *p;
    size_t n;

    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    snprintf(cmd, sizeof(cmd), "xmllint --noout %s 2>&1", tmpl);
    p = popen(cmd, "r");
    cr_assert_not_null(p);
    n = fread(out, 1, outlen - 1, p);
    out[n] = '\0';
    status = pclose(p);
    unlink(tmpl);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Characters XML 1.0 forbids although they are valid UTF-8 (U+FFFE,
 * U+FFFF) or nearly (a lone surrogate, ED A0..BF xx), and C0 controls, in
 * a path, a message and an explanation: the document must still parse,
 * each becoming U+FFFD or '?'. */
Test(report, junit_replaces_what_xml_forbids, .init = fixture)
{
    static const char forbidden[] = "a\xef\xbf\xbe"
                                    "b\xef\xbf\xbf"
                                    "c\xed\xa0\x80"
                                    "d\xed\xbf\xbf"
                                    "e\x01\x08\x0b\x0c\x1f"
                                    "f\xef\xbf\xbd"
                                    "g\xef\xbf\xbc"
                                    "h";
    static const char check[] =
        "import sys, xml.etree.ElementTree as ET\n"
        "s = ET.parse(sys.stdin.buffer).getroot().find(\"testsuite\")\n"
        "for t in s.findall(\"testcase\"):\n"
        "    print(ascii(t.get(\"name\")))\n"
        "    for e in t:\n"
        "        print(e.tag, ascii(e.text))\n";
    static char out[8192];
    char *xml;
    int rc;

    lc_case_init(&cases[C_NASTY], forbidden);
    snprintf(results[C_NASTY].message, sizeof(results[C_NASTY].message), "%s",
             forbidden);
    /* An unexpected leak whose explanation holds them too. */
    results[C_CLEAN].verdict = LC_VERDICT_LEAK;
    results[C_CLEAN].leaking = 1u << LC_SIG_PY_BLOCKS;
    results[C_CLEAN].trend[LC_SIG_PY_BLOCKS].per_iter = 1;
    results[C_CLEAN].explain_text = (char *)forbidden;
    xml = report(LC_FORMAT_JUNIT, C_CLEAN, C_NASTY - C_CLEAN + 1);
    rc = xmllint_check(xml, out, sizeof(out));
    cr_expect_eq(rc, 0, "xmllint rejects the report:\n%s\n%s", out, xml);
    rc = python_check(check, xml, out, sizeof(out));
    cr_assert_eq(rc, 0, "expat rejects the report:\n%s\n%s", out, xml);
    cr_expect_neq(strstr(out, "'cases/clean.py'\n"
                              "failure 'py_blocks +1/iteration\\n"
                              "a\\ufffdb\\ufffdc\\ufffd\\ufffd\\ufffdd\\ufffd"
                              "\\ufffd\\ufffde?????f\\ufffdg\\ufffch\\n'\n"),
                  NULL, "got:\n%s", out);
    cr_expect_neq(strstr(out, "'a\\ufffdb\\ufffdc\\ufffd\\ufffd\\ufffdd\\ufffd"
                              "\\ufffd\\ufffde?????f\\ufffdg\\ufffch'\n"
                              "error 'a\\ufffdb"),
                  NULL, "got:\n%s", out);
    free(xml);
    results[C_CLEAN].explain_text = NULL;
}

/* An unexpected leak's <failure> carries what grew, then the
 * explanation's summary, cut at LC_REPORT_JUNIT_LINES lines. */
Test(report, junit_failure_carries_the_explanation, .init = fixture)
{
    static const char check[] =
        "import sys, xml.etree.ElementTree as ET\n"
        "t = ET.parse(sys.stdin.buffer).getroot().find(\"testsuite\")"
        ".find(\"testcase\")\n"
        "sys.stdout.write(t.find(\"failure\").text)\n";
    static char explain[8192], out[16384], want[16384];
    char *xml;
    size_t len = 0, wlen = 0;
    int rc;

    cases[C_CLEAN].expect = LC_EXPECT_CLEAN;
    results[C_CLEAN].verdict = LC_VERDICT_LEAK;
    results[C_CLEAN].leaking =
        (1u << LC_SIG_PY_BLOCKS) | (1u << LC_SIG_PY_BYTES);
    results[C_CLEAN].trend[LC_SIG_PY_BLOCKS].per_iter = 2;
    results[C_CLEAN].trend[LC_SIG_PY_BYTES].per_iter = 112.5;
    wlen += snprintf(want + wlen, sizeof(want) - wlen,
                     "py_blocks +2/iteration\npy_bytes +112.5/iteration\n");
    for (int i = 1; i <= LC_REPORT_JUNIT_LINES + 5; i++) {
        len += snprintf(explain + len, sizeof(explain) - len,
                        "line %d: <holder> & 'x'\n", i);
        if (i <= LC_REPORT_JUNIT_LINES)
            wlen += snprintf(want + wlen, sizeof(want) - wlen,
                             "line %d: <holder> & 'x'\n", i);
    }
    snprintf(want + wlen, sizeof(want) - wlen,
             "... 5 more lines: leakcheck explain cases/clean.py\n");
    results[C_CLEAN].explain_text = explain;
    xml = report(LC_FORMAT_JUNIT, C_CLEAN, 1);
    rc = python_check(check, xml, out, sizeof(out));
    cr_assert_eq(rc, 0, "%s\n%s", out, xml);
    cr_expect_str_eq(out, want, "got:\n%s", out);
    free(xml);

    /* A suite's test is explained by its id. */
    snprintf(cases[C_CLEAN].id, sizeof(cases[C_CLEAN].id), "%s",
             "tests/test_x.py::TestY::test_z");
    xml = report(LC_FORMAT_JUNIT, C_CLEAN, 1);
    cr_expect(strstr(xml, "5 more lines: leakcheck explain "
                          "tests/test_x.py::TestY::test_z\n"),
              "%s", xml);
    free(xml);
    cases[C_CLEAN].id[0] = '\0';

    /* Short, with no final newline: whole, and the body ends its line. */
    results[C_CLEAN].explain_text = "1. What grew\n   +2 dict";
    xml = report(LC_FORMAT_JUNIT, C_CLEAN, 1);
    rc = python_check(check, xml, out, sizeof(out));
    cr_assert_eq(rc, 0, "%s\n%s", out, xml);
    cr_expect_str_eq(out,
                     "py_blocks +2/iteration\npy_bytes +112.5/iteration\n"
                     "1. What grew\n   +2 dict\n",
                     "got:\n%s", out);
    free(xml);
    results[C_CLEAN].explain_text = NULL;
}
