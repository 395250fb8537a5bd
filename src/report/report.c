#include "formats.h"

#include <signal.h>
#include <string.h>

#include "errors.h"
#include "job.h"

bool lc_report_ok(const struct lc_case *c, const struct lc_result *r)
{
    /* A suite's skipped test (suite.h) is what its suite asks for; one
     * that is not repeatable is not a verdict on leaks (issue 22). */
    if (r->verdict == LC_VERDICT_ERROR &&
        (r->suite_flags & LC_SUITE_NOT_REPEATABLE))
        return true;
    return r->verdict == LC_VERDICT_SKIPPED ||
           (r->verdict == LC_VERDICT_LEAK && c->expect == LC_EXPECT_LEAK) ||
           (r->verdict == LC_VERDICT_LEAK &&
            c->baseline == LC_BASELINE_KNOWN) ||
           (r->verdict == LC_VERDICT_CLEAN && c->expect == LC_EXPECT_CLEAN);
}

const char *lc_report_baseline_word(const struct lc_case *c,
                                    const struct lc_result *r)
{
    if (c->baseline != LC_BASELINE_KNOWN)
        return NULL;
    if (r->verdict == LC_VERDICT_LEAK && c->expect == LC_EXPECT_CLEAN)
        return "known";
    if (r->verdict == LC_VERDICT_CLEAN)
        return "fixed";
    return NULL;
}

void lc_report_summarize(const struct lc_case *cases,
                         const struct lc_result *results, size_t n,
                         double elapsed_s, struct lc_summary *out)
{
    memset(out, 0, sizeof(*out));
    out->cases = n;
    out->elapsed_s = elapsed_s;
    for (size_t i = 0; i < n; i++) {
        const char *b = lc_report_baseline_word(&cases[i], &results[i]);

        if ((unsigned)results[i].verdict < LC_VERDICT_COUNT)
            out->by_verdict[results[i].verdict]++;
        if (lc_report_ok(&cases[i], &results[i]))
            out->ok++;
        out->tests |= cases[i].id[0] != '\0';
        out->baseline |= cases[i].baseline != LC_BASELINE_NONE;
        out->known += b && b[0] == 'k';
        out->fixed += b && b[0] == 'f';
    }
}

LC_NAMES_DEFINE(lc_format, enum lc_format, LC_FORMAT_COUNT, LC_FORMAT_MAP)

/* "INT" for SIGINT. */
const char *lc_report_signal_abbrev(int sig)
{
    const char *s = sigabbrev_np(sig);

    return s ? s : "?";
}

/* Length of the valid UTF-8 sequence at s, or 0 when it is invalid. */
size_t lc_report_utf8_len(const unsigned char *s)
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

/* The format table's writers (report.h, LC_FORMAT_MAP). */
static void (*const writers[LC_FORMAT_COUNT])(FILE *, const struct lc_case *,
                                              const struct lc_result *, size_t,
                                              const struct lc_summary *) = {
#define LC_FORMAT_WRITER(id, name, write) [LC_FORMAT_##id] = write,
    LC_FORMAT_MAP(LC_FORMAT_WRITER)
#undef LC_FORMAT_WRITER
};

int lc_report_write_summary(FILE *f, enum lc_format fmt,
                            const struct lc_case *cases,
                            const struct lc_result *results, size_t n,
                            const struct lc_summary *sum)
{
    if ((unsigned)fmt >= LC_FORMAT_COUNT)
        return -LC_EUSAGE;
    writers[fmt](f, cases, results, n, sum);
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
