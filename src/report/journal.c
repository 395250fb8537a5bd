#include "journal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "json.h"
#include "lc_limits.h"
#include "plan.h"
#include "report.h"
#include "signals.h"

int lc_journal_write(FILE *f, const struct lc_case *c,
                     const struct lc_result *r)
{
    lc_report_json_case(f, c, r);
    fputc('\n', f);
    return fflush(f) == 0 && !ferror(f) ? 0 : -LC_EIO;
}

/* A count read from JSON, clamped to what the result can hold. */
static long count(const struct lc_json *o, const char *key)
{
    double v = lc_json_number(o, key, 0);

    return v > 0 && v < 1e15 ? (long)v : v >= 1e15 ? (long)1e15 : 0;
}

/* A signed level, clamped the same way. */
static int64_t level(const struct lc_json *o, const char *key)
{
    double v = lc_json_number(o, key, 0);

    return v > 1e15 ? (int64_t)1e15 : v < -1e15 ? (int64_t)-1e15 : (int64_t)v;
}

/* One signal's evidence from the report's "signals" object. */
static void read_signal(const struct lc_json *o, int s, struct lc_result *r)
{
    struct lc_trend *t = &r->trend[s];
    int state = lc_trend_state_lookup(lc_json_string(o, "state", NULL));

    t->leak = lc_json_bool(o, "leak", false);
    t->per_iter = lc_json_number(o, "per_iter", 0);
    t->total = level(o, "total");
    t->grew = count(o, "grew");
    t->steps = count(o, "steps");
    t->floor_gap = level(o, "floor_gap");
    r->detected_at[s] = count(o, "detected_at");
    r->state[s] = state < 0 ? LC_TREND_FLAT : (enum lc_trend_state)state;
}

/* A number read from JSON as an integer, clamped (a double past the
 * range of int64_t has no conversion). */
static int64_t clamped(double v)
{
    return v > 1e15 ? (int64_t)1e15 : v < -1e15 ? (int64_t)-1e15 : (int64_t)v;
}

/* The "readings" object back into r->readings; what does not fit or is
 * not a pair of numbers is left out. */
static void read_readings(const struct lc_json *o, struct lc_result *r)
{
    const struct lc_json *rd = lc_json_get(o, "readings");
    const struct lc_json *win = lc_json_get(rd, "window");
    const struct lc_json *sigs = lc_json_get(rd, "signals");
    struct lc_readings *out = &r->readings;

    if (!sigs || sigs->type != LC_JSON_OBJECT)
        return;
    if (win && win->type == LC_JSON_ARRAY && win->len == 2 &&
        win->items[0].type == LC_JSON_NUMBER &&
        win->items[1].type == LC_JSON_NUMBER) {
        out->window_from = (long)clamped(win->items[0].number);
        out->window_to = (long)clamped(win->items[1].number);
    }
    for (int s = 0; s < LC_SIG_COUNT; s++) {
        const struct lc_json *sig = lc_json_get(sigs, lc_signal_name(s));
        const struct lc_json *ser = lc_json_get(sig, "series");
        long n = 0;

        if (!ser || ser->type != LC_JSON_ARRAY)
            continue;
        out->horizon[s] = count(sig, "horizon");
        for (size_t i = 0; i < ser->len && n < LC_READINGS_MAX; i++) {
            const struct lc_json *pt = &ser->items[i];

            if (pt->type != LC_JSON_ARRAY || pt->len != 2 ||
                pt->items[0].type != LC_JSON_NUMBER ||
                pt->items[1].type != LC_JSON_NUMBER)
                continue;
            out->t[n] = (long)clamped(pt->items[0].number);
            out->v[s][n++] = clamped(pt->items[1].number);
        }
        if (n > out->n)
            out->n = n;
    }
}

/* Growth, signals, reason: the evidence of a judged case. */
static void read_evidence(const struct lc_json *o, struct lc_result *r)
{
    const struct lc_json *growth = lc_json_get(o, "growth");
    const struct lc_json *signals = lc_json_get(o, "signals");
    int reason = lc_plan_reason_lookup(lc_json_string(o, "reason", NULL));

    for (int s = 0; s < LC_SIG_COUNT; s++) {
        const struct lc_json *g = lc_json_get(growth, lc_signal_name(s));
        const struct lc_json *sig = lc_json_get(signals, lc_signal_name(s));

        if (sig)
            read_signal(sig, s, r);
        if (g && g->type == LC_JSON_NUMBER) {
            r->leaking |= 1u << s;
            r->trend[s].per_iter = g->number;
        }
    }
    r->reason = reason < 0 ? LC_PLAN_UNDECIDED : (enum lc_plan_reason)reason;
    r->gc_enabled = lc_json_bool(o, "gc_enabled", true);
    read_readings(o, r);
}

/* A case object into c and r; -LC_EINPUT with err when it is not one. */
static int read_case(const struct lc_json *o, struct lc_case *c,
                     struct lc_result *r, char *err, size_t errlen)
{
    const char *path = lc_json_string(o, "path", NULL);
    const struct lc_json *ex = lc_json_get(o, "explanation");
    const char *text = lc_json_string(o, "explanation_text", NULL);
    int verdict = lc_verdict_lookup(lc_json_string(o, "verdict", NULL));
    int expect = lc_expect_lookup(lc_json_string(o, "expect", NULL));
    int phase = lc_phase_lookup(lc_json_string(o, "phase", ""));

    if (!path || verdict < 0 || expect < 0 || phase < 0) {
        snprintf(err, errlen,
                 "not a case: path, expect, verdict or phase "
                 "missing or unknown");
        return -LC_EINPUT;
    }
    lc_case_init(c, path);
    c->expect = (enum lc_expect)expect;
    snprintf(c->id, sizeof(c->id), "%s", lc_json_string(o, "id", ""));
    snprintf(c->source, sizeof(c->source), "%s",
             lc_json_string(o, "source", ""));
    /* A baseline's word: known leaks stay as expected when rendered. */
    if (lc_json_get(o, "baseline"))
        c->baseline = LC_BASELINE_KNOWN;
    memset(r, 0, sizeof(*r));
    r->magic = LC_RESULT_MAGIC;
    r->verdict = (enum lc_verdict)verdict;
    r->phase = (enum lc_phase)phase;
    r->iterations = count(o, "iterations");
    r->measured = count(o, "measured");
    r->elapsed_s = lc_json_number(o, "elapsed_s", 0);
    if (!(r->elapsed_s > 0 && r->elapsed_s < 1e9))
        r->elapsed_s = 0;
    snprintf(r->message, sizeof(r->message), "%s",
             lc_json_string(o, "message", ""));
    read_evidence(o, r);
    if (ex && ex->type == LC_JSON_OBJECT)
        r->explain_json = strndup(ex->raw, ex->raw_len);
    if (text)
        r->explain_text = strdup(text);
    return 0;
}

static int add_case(const struct lc_json *o, struct lc_buf *cases,
                    struct lc_buf *results, char *err, size_t errlen)
{
    struct lc_case *c = lc_buf_grow(cases, sizeof(*c));
    struct lc_result *r = c ? lc_buf_grow(results, sizeof(*r)) : NULL;

    if (!c || !r) {
        snprintf(err, errlen, "more than %d cases", LC_CASES_MAX);
        return -LC_EINPUT;
    }
    return read_case(o, c, r, err, errlen);
}

/* One parsed value: a report (its "cases") or one journal line. */
static int add_value(const struct lc_json *v, struct lc_buf *cases,
                     struct lc_buf *results, char *err, size_t errlen)
{
    const struct lc_json *list = lc_json_get(v, "cases");
    int rc = 0;

    if (!list)
        return add_case(v, cases, results, err, errlen);
    if (list->type != LC_JSON_ARRAY) {
        snprintf(err, errlen, "\"cases\" is not an array");
        return -LC_EINPUT;
    }
    for (size_t i = 0; i < list->len && rc == 0; i++)
        rc = add_case(&list->items[i], cases, results, err, errlen);
    return rc;
}

static int read_all(const char *path, struct lc_buf *text, char *err,
                    size_t errlen)
{
    FILE *f = fopen(path, "rb");
    char chunk[65536];
    size_t n;
    int rc = 0;

    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -LC_EIO;
    }
    while (rc == 0 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        rc = lc_buf_append(text, chunk, n);
    if (rc == 0 && ferror(f))
        rc = -LC_EIO;
    fclose(f);
    if (rc)
        snprintf(err, errlen, "%s: %s", path,
                 rc == -LC_ETOOBIG ? "too large" : "cannot be read");
    return rc ? -LC_EINPUT : 0;
}

/* The line number of byte pos. */
static size_t line_of(const struct lc_buf *text, size_t pos)
{
    size_t line = 1;

    for (size_t i = 0; i < pos && i < text->len; i++)
        line += text->data[i] == '\n';
    return line;
}

int lc_journal_read(const char *path, struct lc_buf *cases,
                    struct lc_buf *results, char *err, size_t errlen)
{
    struct lc_buf text;
    char why[256] = "";
    size_t pos = 0;
    int rc;

    lc_buf_init(&text, LC_JSON_INPUT_MAX);
    if ((rc = read_all(path, &text, err, errlen)) < 0)
        return rc;
    /* A journal is one case object per line; a report one value that
     * spans lines (its first line does not end its object). */
    while (rc == 0 && pos < text.len) {
        const char *nl = memchr(text.data + pos, '\n', text.len - pos);
        size_t end = nl ? (size_t)(nl - text.data) : text.len;
        struct lc_json v;

        size_t stop;

        if (end == pos) {
            pos++; /* a blank line */
            continue;
        }
        stop = end > pos && text.data[end - 1] == '\r' ? end - 1 : end;
        if (stop == pos || text.data[stop - 1] != '}')
            stop = end = text.len;
        rc = lc_json_parse(text.data + pos, stop - pos, &v, why, sizeof(why));
        if (rc && !nl && pos > 0) {
            /* A journal's last line cut by a runner killed while writing
             * it: the cases before it are whole. */
            fprintf(stderr,
                    "leakcheck report: %s:%zu: an unfinished last "
                    "line, left out\n",
                    path, line_of(&text, pos));
            rc = 0;
            break;
        }
        if (rc == 0) {
            rc = add_value(&v, cases, results, why, sizeof(why));
            lc_json_release(&v);
        }
        if (rc)
            snprintf(err, errlen, "%s:%zu: %s", path, line_of(&text, pos),
                     why);
        pos = end + 1;
    }
    lc_buf_release(&text);
    return rc;
}
