#include "report.h"

#include <math.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include "errors.h"
#include "suite.h"

bool lc_report_ok(const struct lc_case *c, const struct lc_result *r)
{
    /* A suite's skipped test (suite.h) is what its suite asks for; one
     * that is not repeatable is not a verdict on leaks (issue 22). */
    if (r->verdict == LC_VERDICT_ERROR &&
        (r->suite_flags & LC_SUITE_NOT_REPEATABLE))
        return true;
    return r->verdict == LC_VERDICT_SKIPPED ||
           (r->verdict == LC_VERDICT_LEAK && c->expect == LC_EXPECT_LEAK) ||
           (r->verdict == LC_VERDICT_CLEAN && c->expect == LC_EXPECT_CLEAN);
}

void lc_report_summarize(const struct lc_case *cases,
                         const struct lc_result *results, size_t n,
                         double elapsed_s, struct lc_summary *out)
{
    memset(out, 0, sizeof(*out));
    out->cases = n;
    out->elapsed_s = elapsed_s;
    for (size_t i = 0; i < n; i++) {
        if ((unsigned)results[i].verdict < LC_VERDICT_COUNT)
            out->by_verdict[results[i].verdict]++;
        if (lc_report_ok(&cases[i], &results[i]))
            out->ok++;
    }
}

static const char *const format_names[LC_FORMAT_COUNT] = {
#define LC_FORMAT_NAME(id, name) [LC_FORMAT_##id] = name,
    LC_FORMAT_MAP(LC_FORMAT_NAME)
#undef LC_FORMAT_NAME
};

int lc_report_format_lookup(const char *name)
{
    for (int f = 0; f < LC_FORMAT_COUNT; f++)
        if (strcmp(name, format_names[f]) == 0)
            return f;
    return -1;
}

/* Text: bytes below 0x20 and DEL become '?', so a path stays on its line. */
static void put_oneline(FILE *f, const char *s)
{
    for (; *s; s++)
        fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
}

/* A rate, short: "+1", "+16", "+0.33", "-2.5". */
static void put_rate(FILE *f, double v)
{
    if (v == floor(v) && fabs(v) < 1e15)
        fprintf(f, "%+.0f", v);
    else
        fprintf(f, "%+.3g", v);
}

/* Multi-line text under a case's line, each line behind "     | ". */
static void put_indented(FILE *f, const char *s)
{
    while (*s) {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) : strlen(s);

        fputs("     | ", f);
        for (size_t i = 0; i < len; i++)
            fputc((unsigned char)s[i] < 0x20 && s[i] != '\t' ? '?' : s[i], f);
        fputc('\n', f);
        s += len + (nl ? 1 : 0);
    }
}

static bool color; /* lc_report_set_color */

void lc_report_set_color(bool on)
{
    color = on;
}

bool lc_report_color_wanted(FILE *f)
{
    const char *term = getenv("TERM"), *no = getenv("NO_COLOR");

    return isatty(fileno(f)) && !(no && *no) &&
           !(term && !strcmp(term, "dumb"));
}

/* "ok" or "FAIL" and the verdict, padded as plain text is, in colour when
 * asked: green when as expected, red when not. */
static void put_status(FILE *f, bool ok, enum lc_verdict v)
{
    if (color)
        fputs(ok ? "\033[32m" : "\033[1;31m", f);
    fprintf(f, "%-4s %-7s", ok ? "ok" : "FAIL", lc_verdict_name(v));
    if (color)
        fputs("\033[0m", f);
    fputc(' ', f);
}

void lc_report_strength(const struct lc_result *r, char *buf, size_t len)
{
    buf[0] = '\0';
    if (r->verdict != LC_VERDICT_CLEAN && r->verdict != LC_VERDICT_LEAK)
        return;
    if (r->verdict == LC_VERDICT_CLEAN && (r->suite_flags & LC_SUITE_DEPENDS))
        snprintf(buf, len, "clean alone; grew only after other tests");
    else if (r->verdict == LC_VERDICT_CLEAN && r->leaking == 0 &&
             (r->suite_flags & LC_SUITE_CONTROL_GREW))
        snprintf(buf, len, "its control grew as much");
    else if (r->suite_flags & LC_SUITE_SCREENED)
        snprintf(buf, len,
                 "screened: flat over %ld runs together with %ld test%s",
                 r->screen_runs, r->screen_tests - 1,
                 r->screen_tests == 2 ? "" : "s");
    else if (r->reason == LC_PLAN_FLAT)
        snprintf(buf, len, "flat through H=%ld", r->measured);
    else if (r->reason == LC_PLAN_TIME || r->reason == LC_PLAN_TIME_GROWING)
        snprintf(buf, len, "time bound after %ld measured iterations",
                 r->measured);
    else if (r->reason == LC_PLAN_BOUND)
        snprintf(buf, len, "iteration bound %ld, stepping or slowing",
                 r->measured);
    else if (r->reason == LC_PLAN_KEPT_GROWING)
        snprintf(buf, len, "kept growing through H=%ld", r->measured);
    else if (r->reason == LC_PLAN_MEMORY_CAP)
        snprintf(buf, len, "grew into the memory cap");
}

/* A suite's test (suite.h): how strong its verdict is, and its labels. */
static void text_suite_notes(FILE *f, const struct lc_result *r)
{
    char how[160];

    lc_report_strength(r, how, sizeof(how));
    if (how[0])
        fprintf(f, "  (%s)", how);
    if (r->suite_flags & LC_SUITE_CACHE_HELD)
        fputs("  (held by a cache that regrtest clears)", f);
    if (r->suite_flags & LC_SUITE_NOT_REPEATABLE)
        fputs(r->message[0] ? "  (not repeatable)"
                            : "  (not repeatable with its fixtures up once: "
                              "judged with them set up every repetition)",
              f);
    if (r->verdict == LC_VERDICT_LEAK && (r->suite_flags & LC_SUITE_CONFIRMED))
        fputs("  (confirmed alone)", f);
    if (r->verdict == LC_VERDICT_SKIPPED) {
        fputs("  skipped: ", f);
        put_oneline(f, r->message);
    }
}

void lc_report_text_case(FILE *f, const struct lc_case *c,
                         const struct lc_result *r)
{
    bool ok = lc_report_ok(c, r);

    put_status(f, ok, r->verdict);
    put_oneline(f, c->id[0] ? c->id : c->path);
    if (r->verdict == LC_VERDICT_LEAK) {
        for (int s = 0; s < LC_SIG_COUNT; s++) {
            if (!(r->leaking & (1u << s)))
                continue;
            fprintf(f, "  %s ", lc_signal_name(s));
            put_rate(f, r->trend[s].per_iter);
            fprintf(f, "/it");
        }
    }
    if (c->id[0])
        text_suite_notes(f, r);
    else if (r->reason == LC_PLAN_TIME_GROWING || r->reason == LC_PLAN_TIME)
        fprintf(f, "  (time bound)");
    if (r->reason == LC_PLAN_MEMORY_CAP)
        fprintf(f, "  (memory cap)");
    if (!ok)
        fprintf(f, "  expected %s", lc_expect_name(c->expect));
    if (r->verdict == LC_VERDICT_ERROR || r->verdict == LC_VERDICT_CRASH ||
        r->verdict == LC_VERDICT_TIMEOUT) {
        fprintf(f, "  in %s", r->phase ? lc_phase_name(r->phase) : "?");
    }
    fprintf(f, "  %ld it %.2f s\n", r->iterations, r->elapsed_s);
    if (r->message[0] && r->verdict != LC_VERDICT_CLEAN &&
        (r->verdict != LC_VERDICT_LEAK || r->reason == LC_PLAN_MEMORY_CAP) &&
        r->verdict != LC_VERDICT_SKIPPED)
        put_indented(f, r->message);
}

void lc_report_text_explanations(FILE *f, const struct lc_case *cases,
                                 const struct lc_result *results, size_t n,
                                 bool all)
{
    for (size_t i = 0; i < n; i++) {
        const struct lc_result *r = &results[i];
        bool ok = lc_report_ok(&cases[i], r);

        if (!r->explain_text || (ok && !all))
            continue;
        fputs("\nWhy ", f);
        put_oneline(f, cases[i].path);
        fprintf(f, " (%s %s, expected %s):\n", ok ? "ok" : "FAIL",
                lc_verdict_name(r->verdict), lc_expect_name(cases[i].expect));
        put_indented(f, r->explain_text);
    }
}

/* "INT" for SIGINT. */
static const char *signal_abbrev(int sig)
{
    const char *s = sigabbrev_np(sig);

    return s ? s : "?";
}

void lc_report_text_summary(FILE *f, const struct lc_summary *s)
{
    fprintf(f, "%zu cases: ", s->cases);
    for (int v = 0; v < LC_VERDICT_COUNT; v++)
        if (v != LC_VERDICT_SKIPPED || s->by_verdict[v]) /* suites only */
            fprintf(f, "%s%zu %s", v ? ", " : "", s->by_verdict[v],
                    lc_verdict_name(v));
    fprintf(f, "; %zu as expected, %zu not; %.1f s\n", s->ok, s->cases - s->ok,
            s->elapsed_s);
    if (s->interrupted)
        fprintf(f,
                "interrupted by SIG%s: the cases in phase \"interrupted\" "
                "were cut short or never started\n",
                signal_abbrev(s->interrupted));
}

/* Length of the valid UTF-8 sequence at s, or 0 when it is invalid. */
static size_t utf8_len(const unsigned char *s)
{
    size_t n;
    unsigned cp;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        n = 2, cp = s[0] & 0x1f;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        n = 3, cp = s[0] & 0x0f;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        n = 4, cp = s[0] & 0x07;
    else
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
    return n;
}

/* A JSON string of any bytes: invalid UTF-8 becomes U+FFFD, so the document
 * always parses. */
static void json_text(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    fputc('"', f);
    while (*p) {
        size_t n = utf8_len(p);

        if (n == 0) {
            fputs("\\ufffd", f);
            p++;
        } else if (n > 1) {
            fwrite(p, 1, n, f);
            p += n;
        } else {
            if (*p == '"' || *p == '\\')
                fprintf(f, "\\%c", *p);
            else if (*p == '\n')
                fputs("\\n", f);
            else if (*p == '\t')
                fputs("\\t", f);
            else if (*p < 0x20 || *p == 0x7f)
                fprintf(f, "\\u%04x", *p);
            else
                fputc(*p, f);
            p++;
        }
    }
    fputc('"', f);
}

/* py_blocks and py_bytes split by allocator domain, per iteration over
 * the last judgement's window: "domains": {"raw": {"blocks": .., "bytes":
 * ..}, "mem": .., "obj": ..}. */
static void json_domains(FILE *f, const struct lc_result *r)
{
    static const char *const names[LC_DOMAIN_COUNT] = {
        [LC_DOMAIN_RAW] = "raw",
        [LC_DOMAIN_MEM] = "mem",
        [LC_DOMAIN_OBJ] = "obj",
    };

    fputs(", \"domains\": {", f);
    for (int d = 0; d < LC_DOMAIN_COUNT; d++)
        fprintf(f, "%s\"%s\": {\"blocks\": %.6g, \"bytes\": %.6g}",
                d ? ", " : "", names[d], r->domains[d].blocks,
                r->domains[d].bytes);
    fputs("}", f);
}

/* The growth of each leaking signal, and the plan's evidence. */
static void json_evidence(FILE *f, const struct lc_result *r)
{
    fputs(", \"growth\": {", f);
    for (int s = 0, first = 1; s < LC_SIG_COUNT; s++) {
        if (!(r->leaking & (1u << s)))
            continue;
        fprintf(f, "%s\"%s\": %.6g", first ? "" : ", ", lc_signal_name(s),
                r->trend[s].per_iter);
        first = 0;
    }
    fputs("}", f);
    if (r->verdict != LC_VERDICT_LEAK && r->verdict != LC_VERDICT_CLEAN)
        return;
    fputs(", \"signals\": {", f);
    for (int s = 0; s < LC_SIG_COUNT; s++) {
        const struct lc_trend *t = &r->trend[s];

        fprintf(f,
                "%s\"%s\": {\"leak\": %s, \"state\": \"%s\", "
                "\"per_iter\": %.6g, \"total\": %lld, "
                "\"grew\": %ld, \"steps\": %ld, "
                "\"floor_gap\": %lld, \"detected_at\": %ld}",
                s ? ", " : "", lc_signal_name(s),
                (r->leaking & (1u << s)) ? "true" : "false",
                lc_trend_state_name(r->state[s]), t->per_iter,
                (long long)t->total, t->grew, t->steps,
                (long long)t->floor_gap, r->detected_at[s]);
    }
    if (r->domains_measured)
        json_domains(f, r);
    fprintf(f, "}, \"reason\": \"%s\", \"gc_enabled\": %s",
            lc_plan_reason_text(r->reason), r->gc_enabled ? "true" : "false");
}

static const char *json_flag(const struct lc_result *r, unsigned flag)
{
    return (r->suite_flags & flag) ? "true" : "false";
}

void lc_report_json_case(FILE *f, const struct lc_case *c,
                         const struct lc_result *r)
{
    fputs("{\"path\": ", f);
    json_text(f, c->path);
    if (c->id[0]) {
        char how[160];

        fputs(", \"id\": ", f);
        json_text(f, c->id);
        lc_report_strength(r, how, sizeof(how));
        fputs(", \"strength\": ", f);
        json_text(f, how);
        fprintf(f,
                ", \"screened\": %s, \"not_repeatable\": %s, "
                "\"cache_held\": %s, \"control_grew\": %s, "
                "\"depends_on_others\": %s, \"confirmed_alone\": %s",
                json_flag(r, LC_SUITE_SCREENED),
                json_flag(r, LC_SUITE_NOT_REPEATABLE),
                json_flag(r, LC_SUITE_CACHE_HELD),
                json_flag(r, LC_SUITE_CONTROL_GREW),
                json_flag(r, LC_SUITE_DEPENDS),
                json_flag(r, LC_SUITE_CONFIRMED));
        if (r->suite_flags & LC_SUITE_SCREENED)
            fprintf(f, ", \"screen_tests\": %ld, \"screen_runs\": %ld",
                    r->screen_tests, r->screen_runs);
    }
    fprintf(f, ", \"expect\": \"%s\", \"verdict\": \"%s\", \"ok\": %s",
            lc_expect_name(c->expect), lc_verdict_name(r->verdict),
            lc_report_ok(c, r) ? "true" : "false");
    fprintf(f, ", \"iterations\": %ld, \"measured\": %ld, \"elapsed_s\": %.3f",
            r->iterations, r->measured, r->elapsed_s);
    if (c->source[0]) {
        fputs(", \"source\": ", f);
        json_text(f, c->source);
    }
    json_evidence(f, r);
    if (r->phase != LC_PHASE_NONE)
        fprintf(f, ", \"phase\": \"%s\"", lc_phase_name(r->phase));
    if (r->message[0]) {
        fputs(", \"message\": ", f);
        json_text(f, r->message);
    }
    /* The explain pass's own JSON object, as it came (json.dumps), or its
     * failure as text; and its text for people, so that `leakcheck report`
     * can render any format from JSON. */
    if (r->explain_json && r->explain_json[0] == '{') {
        fputs(", \"explanation\": ", f);
        fputs(r->explain_json, f);
    } else if (r->explain_text) {
        fputs(", \"explanation\": {\"error\": ", f);
        json_text(f, r->explain_text);
        fputs("}", f);
    }
    if (r->explain_text) {
        fputs(", \"explanation_text\": ", f);
        json_text(f, r->explain_text);
    }
    fputs("}", f);
}

static void write_json(FILE *f, const struct lc_case *cases,
                       const struct lc_result *results, size_t n,
                       const struct lc_summary *sum)
{
    fprintf(f, "{\"schema_version\": %d, \"cases\": [",
            LC_REPORT_SCHEMA_VERSION);
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ",\n  " : "\n  ", f);
        lc_report_json_case(f, &cases[i], &results[i]);
    }
    fprintf(f, "\n], \"summary\": {\"cases\": %zu", sum->cases);
    for (int v = 0; v < LC_VERDICT_COUNT; v++)
        if (v != LC_VERDICT_SKIPPED || sum->by_verdict[v]) /* suites only */
            fprintf(f, ", \"%s\": %zu", lc_verdict_name(v),
                    sum->by_verdict[v]);
    fprintf(f, ", \"ok\": %zu, \"failed\": %zu, \"elapsed_s\": %.3f", sum->ok,
            sum->cases - sum->ok, sum->elapsed_s);
    if (sum->interrupted)
        fprintf(f, ", \"interrupted\": \"SIG%s\"",
                signal_abbrev(sum->interrupted));
    fputs("}}\n", f);
}

/* U+FFFE and U+FFFF: valid UTF-8, but not characters XML 1.0 allows. */
static bool xml_noncharacter(const unsigned char *p, size_t n)
{
    return n == 3 && p[0] == 0xef && p[1] == 0xbf &&
           (p[2] == 0xbe || p[2] == 0xbf);
}

/* XML text of any bytes. Markup is escaped; what XML 1.0 cannot hold
 * (its Char production: no C0 control but tab, newline and CR, no
 * surrogate, no U+FFFE or U+FFFF) is replaced, so the document always
 * parses: control bytes and DEL by '?', as in the text report; invalid
 * UTF-8 (a non-UTF-8 file name, a stderr tail cut inside a character, a
 * lone surrogate ED A0..BF xx, which utf8_len rejects) and U+FFFE/U+FFFF
 * by U+FFFD. */
static void xml_text_upto(FILE *f, const char *s, const char *end)
{
    const unsigned char *p = (const unsigned char *)s;

    while (*p && (!end || p < (const unsigned char *)end)) {
        size_t n = utf8_len(p);

        if (n == 0 || xml_noncharacter(p, n)) {
            fputs("\xef\xbf\xbd", f);
            p += n ? n : 1;
            continue;
        }
        if (n > 1) {
            fwrite(p, 1, n, f);
            p += n;
            continue;
        }
        switch (*p) {
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '&':
            fputs("&amp;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            if ((*p < 0x20 && *p != '\n' && *p != '\t' && *p != '\r') ||
                *p == 0x7f)
                fputc('?', f);
            else
                fputc(*p, f);
        }
        p++;
    }
}

static void xml_text(FILE *f, const char *s)
{
    xml_text_upto(f, s, NULL);
}

/* The first max lines of text as XML text, then a line saying how many
 * were left out: a CI server shows the failure body whole, and the
 * explanation's summary (what grew, where, who holds it) comes first. */
static void xml_head_lines(FILE *f, const char *text, size_t max)
{
    size_t lines = 0, total = 0;
    const char *s = text, *end = text;

    for (; *s; total++) {
        const char *nl = strchr(s, '\n');
        const char *next = nl ? nl + 1 : s + strlen(s);

        if (total < max)
            end = next;
        s = next;
    }
    lines = total < max ? total : max;
    if (end > text) {
        xml_text_upto(f, text, end);
        if (end[-1] != '\n')
            fputc('\n', f);
    }
    if (total > lines)
        fprintf(f, "... %zu more lines: leakcheck explain CASE\n",
                total - lines);
}

static void write_junit(FILE *f, const struct lc_case *cases,
                        const struct lc_result *results, size_t n,
                        const struct lc_summary *sum)
{
    size_t errors = sum->by_verdict[LC_VERDICT_ERROR] +
                    sum->by_verdict[LC_VERDICT_CRASH] +
                    sum->by_verdict[LC_VERDICT_TIMEOUT];

    fprintf(f,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<testsuites>\n<testsuite name=\"leakcheck\" tests=\"%zu\" "
            "failures=\"%zu\" errors=\"%zu\" time=\"%.3f\">\n",
            sum->cases, sum->cases - sum->ok - errors, errors, sum->elapsed_s);
    for (size_t i = 0; i < n; i++) {
        const struct lc_case *c = &cases[i];
        const struct lc_result *r = &results[i];
        enum lc_verdict v = r->verdict;

        fputs("  <testcase classname=\"leakcheck\" name=\"", f);
        xml_text(f, c->id[0] ? c->id : c->path);
        fprintf(f, "\" time=\"%.3f\">", r->elapsed_s);
        if (v == LC_VERDICT_SKIPPED) {
            fputs("<skipped message=\"", f);
            xml_text(f, r->message);
            fputs("\"/>", f);
        } else if (v == LC_VERDICT_ERROR || v == LC_VERDICT_CRASH ||
                   v == LC_VERDICT_TIMEOUT) {
            fprintf(f, "\n    <error type=\"%s\" message=\"%s in %s\">",
                    lc_verdict_name(v), lc_verdict_name(v),
                    lc_phase_name(r->phase));
            xml_text(f, r->message);
            fputs("</error>\n  ", f);
        } else if (!lc_report_ok(c, r)) {
            fprintf(f,
                    "\n    <failure type=\"%s\" message=\"got %s, "
                    "expected %s\">",
                    lc_verdict_name(v), lc_verdict_name(v),
                    lc_expect_name(c->expect));
            for (int s = 0; s < LC_SIG_COUNT; s++)
                if (r->leaking & (1u << s))
                    fprintf(f, "%s %+.6g/iteration\n", lc_signal_name(s),
                            r->trend[s].per_iter);
            if (r->explain_text)
                xml_head_lines(f, r->explain_text, LC_REPORT_JUNIT_LINES);
            fputs("</failure>\n  ", f);
        }
        fputs("</testcase>\n", f);
    }
    fputs("</testsuite>\n</testsuites>\n", f);
}

int lc_report_write_summary(FILE *f, enum lc_format fmt,
                            const struct lc_case *cases,
                            const struct lc_result *results, size_t n,
                            const struct lc_summary *sum)
{
    switch (fmt) {
    case LC_FORMAT_TEXT:
        for (size_t i = 0; i < n; i++)
            lc_report_text_case(f, &cases[i], &results[i]);
        lc_report_text_summary(f, sum);
        lc_report_text_explanations(f, cases, results, n, false);
        break;
    case LC_FORMAT_JSON:
        write_json(f, cases, results, n, sum);
        break;
    case LC_FORMAT_JUNIT:
    case LC_FORMAT_COUNT:
        write_junit(f, cases, results, n, sum);
        break;
    }
    return fflush(f) == 0 && !ferror(f) ? 0 : -LC_EIO;
}

int lc_report_write(FILE *f, enum lc_format fmt, const struct lc_case *cases,
                    const struct lc_result *results, size_t n,
                    double elapsed_s)
{
    struct lc_summary sum;

    lc_report_summarize(cases, results, n, elapsed_s, &sum);
    return lc_report_write_summary(f, fmt, cases, results, n, &sum);
}
