/* The JSON report: {"schema_version", "cases", "summary"}, described by
 * schema/report.schema.json (report.h). */
#include "formats.h"

#include <string.h>

#include "job.h"

/* A JSON string of any bytes: invalid UTF-8 becomes U+FFFD, so the document
 * always parses. */
static void json_text(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    fputc('"', f);
    while (*p) {
        size_t n = lc_report_utf8_len(p);

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

/* Every reading of the verdict's plan: "readings": {"window": [from, to],
 * "signals": {"py_blocks": {"horizon": H, "series": [[iteration, level],
 * ...]}, ...}}. A screened suite test has none of its own (its group's
 * readings are not its). */
static void json_readings(FILE *f, const struct lc_result *r)
{
    const struct lc_readings *rd = &r->readings;

    if (rd->n <= 0 || (r->suite_flags & LC_SUITE_SCREENED))
        return;
    fprintf(f, ", \"readings\": {\"window\": [%ld, %ld], \"signals\": {",
            rd->window_from, rd->window_to);
    for (int s = 0; s < LC_SIG_COUNT; s++) {
        fprintf(f, "%s\"%s\": {\"horizon\": %ld, \"series\": [", s ? ", " : "",
                lc_signal_name(s), rd->horizon[s]);
        for (long i = 0; i < rd->n && i < LC_READINGS_MAX; i++)
            fprintf(f, "%s[%ld, %lld]", i ? ", " : "", rd->t[i],
                    (long long)rd->v[s][i]);
        fputs("]}", f);
    }
    fputs("}}", f);
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
            lc_plan_reason_name(r->reason), r->gc_enabled ? "true" : "false");
    json_readings(f, r);
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
                "\"cache_held\": %s, \"over_budget\": %s, "
                "\"control_grew\": %s, \"depends_on_others\": %s, "
                "\"confirmed_alone\": %s",
                json_flag(r, LC_SUITE_SCREENED),
                json_flag(r, LC_SUITE_NOT_REPEATABLE),
                json_flag(r, LC_SUITE_CACHE_HELD),
                json_flag(r, LC_SUITE_OVER_BUDGET),
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
    if (lc_report_baseline_word(c, r))
        fprintf(f, ", \"baseline\": \"%s\"", lc_report_baseline_word(c, r));
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

void lc_format_json_write(FILE *f, const struct lc_case *cases,
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
    if (sum->baseline)
        fprintf(f, ", \"known\": %zu, \"fixed\": %zu", sum->known, sum->fixed);
    if (sum->interrupted)
        fprintf(f, ", \"interrupted\": \"SIG%s\"",
                lc_report_signal_abbrev(sum->interrupted));
    fputs("}}\n", f);
}
