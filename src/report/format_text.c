/* The text report: a line per case, the summary, then the explanations of
 * the cases that did not get their expected verdict (report.h). */
#include "formats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "job.h"

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
    else if ((r->suite_flags & LC_SUITE_SCREENED) && r->screen_tests <= 1)
        snprintf(buf, len, "screened: flat over %ld runs", r->screen_runs);
    else if (r->suite_flags & LC_SUITE_SCREENED)
        snprintf(buf, len,
                 "screened: flat over %ld runs together with %ld test%s",
                 r->screen_runs, r->screen_tests - 1,
                 r->screen_tests == 2 ? "" : "s");
    else if (r->reason == LC_PLAN_FLAT)
        snprintf(buf, len, "flat through H=%ld", r->measured);
    else if (r->reason == LC_PLAN_TIME || r->reason == LC_PLAN_TIME_GROWING ||
             r->reason == LC_PLAN_TIME_UNSURE)
        snprintf(buf, len, "time bound after %ld measured iterations",
                 r->measured);
    else if (r->reason == LC_PLAN_BOUND)
        snprintf(buf, len, "iteration bound %ld, stepping or slowing",
                 r->measured);
    else if (r->reason == LC_PLAN_KEPT_GROWING)
        snprintf(buf, len, "kept growing through H=%ld", r->measured);
    else if (r->reason == LC_PLAN_CERTAIN)
        snprintf(buf, len,
                 "growing at every horizon through H=%ld, the figure over "
                 "its last %ld",
                 r->measured, r->measured / 2);
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
    if (r->suite_flags & LC_SUITE_OVER_BUDGET)
        fputs("  (--budget spent: a short plan)", f);
    if (r->suite_flags & LC_SUITE_NOT_REPEATABLE)
        fputs(r->message[0] ? "  (not repeatable)"
                            : "  (not repeatable with its fixtures up once: "
                              "judged with them set up every repetition)",
              f);
    if (r->verdict == LC_VERDICT_LEAK && (r->suite_flags & LC_SUITE_CONFIRMED))
        fputs("  (confirmed alone)", f);
    else if (r->verdict == LC_VERDICT_LEAK &&
             (r->suite_flags & LC_SUITE_UNCONFIRMED))
        fputs("  (not confirmed alone: its worker alone did not finish)", f);
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
    if (lc_report_baseline_word(c, r))
        fputs(lc_report_baseline_word(c, r)[0] == 'k'
                  ? "  (known: in the baseline)"
                  : "  (fixed: a leak in the baseline)",
              f);
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
        put_oneline(f, cases[i].id[0] ? cases[i].id : cases[i].path);
        fprintf(f, " (%s %s, expected %s):\n", ok ? "ok" : "FAIL",
                lc_verdict_name(r->verdict), lc_expect_name(cases[i].expect));
        put_indented(f, r->explain_text);
    }
}

void lc_report_text_summary(FILE *f, const struct lc_summary *s)
{
    const char *noun = s->tests ? "tests" : "cases";

    fprintf(f, "%zu %s: ", s->cases, noun);
    for (int v = 0; v < LC_VERDICT_COUNT; v++)
        if (v != LC_VERDICT_SKIPPED || s->by_verdict[v]) /* suites only */
            fprintf(f, "%s%zu %s", v ? ", " : "", s->by_verdict[v],
                    lc_verdict_name(v));
    fprintf(f, "; %zu as expected, %zu not", s->ok, s->cases - s->ok);
    if (s->baseline)
        fprintf(f, "; %zu known, %zu fixed", s->known, s->fixed);
    fprintf(f, "; %.1f s\n", s->elapsed_s);
    if (s->interrupted)
        fprintf(f,
                "interrupted by SIG%s: the %s in phase \"interrupted\" "
                "were cut short or never started\n",
                lc_report_signal_abbrev(s->interrupted), noun);
}

void lc_format_text_write(FILE *f, const struct lc_case *cases,
                          const struct lc_result *results, size_t n,
                          const struct lc_summary *sum)
{
    for (size_t i = 0; i < n; i++)
        lc_report_text_case(f, &cases[i], &results[i]);
    lc_report_text_summary(f, sum);
    lc_report_text_explanations(f, cases, results, n, false);
}
