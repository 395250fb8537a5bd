/* The JUnit XML report: one testcase per case or test id, the why of a
 * failure in its <failure> (report.h). */
#include "formats.h"

#include <string.h>

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
        size_t n = lc_report_utf8_len(p);

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
static void xml_head_lines(FILE *f, const struct lc_case *c, const char *text,
                           size_t max)
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
    if (total > lines) { /* a test is explained by its id */
        fprintf(f, "... %zu more lines: leakcheck explain ", total - lines);
        xml_text(f, c->id[0] ? c->id : c->path);
        fputc('\n', f);
    }
}

void lc_format_junit_write(FILE *f, const struct lc_case *cases,
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
                xml_head_lines(f, c, r->explain_text, LC_REPORT_JUNIT_LINES);
            fputs("</failure>\n  ", f);
        } else if (lc_report_baseline_word(c, r)) {
            fprintf(f, "<system-out>%s: %s</system-out>",
                    lc_report_baseline_word(c, r),
                    v == LC_VERDICT_LEAK ? "a leak the baseline lists"
                                         : "the baseline lists it as a leak");
        }
        fputs("</testcase>\n", f);
    }
    fputs("</testsuite>\n</testsuites>\n", f);
}
