/* Known leaks from a previous report or a list (baseline.h). */
#include "baseline.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "journal.h"
#include "lc_limits.h"
#include "result.h"

static int add_key(struct lc_baseline *b, const char *key, size_t len)
{
    if (lc_buf_append(&b->keys, key, len) < 0 ||
        lc_buf_append(&b->keys, "", 1) < 0)
        return -LC_EINPUT;
    b->n++;
    return 0;
}

/* A JSON report or journal: its leaks. */
static int read_report(const char *path, struct lc_baseline *b, char *err,
                       size_t errlen)
{
    struct lc_buf cases, results;
    const struct lc_case *c;
    const struct lc_result *r;
    size_t n;
    int rc;

    lc_buf_init(&cases, LC_CASES_MAX * sizeof(struct lc_case));
    lc_buf_init(&results, LC_CASES_MAX * sizeof(struct lc_result));
    rc = lc_journal_read(path, &cases, &results, err, errlen);
    c = (const struct lc_case *)(void *)cases.data;
    r = (const struct lc_result *)(void *)results.data;
    n = results.len / sizeof(*r);
    for (size_t i = 0; i < n; i++) {
        const char *key = c[i].id[0] ? c[i].id : c[i].path;

        if (rc == 0 && r[i].verdict == LC_VERDICT_LEAK &&
            add_key(b, key, strlen(key)) < 0) {
            snprintf(err, errlen, "%s: too many known leaks", path);
            rc = -LC_EINPUT;
        }
        free(r[i].explain_json);
        free(r[i].explain_text);
    }
    lc_buf_release(&cases);
    lc_buf_release(&results);
    return rc;
}

/* A list: one id or path per line, '#' comments. */
static int read_list(const char *path, FILE *f, struct lc_baseline *b,
                     char *err, size_t errlen)
{
    char line[LC_TEST_ID_MAX + LC_PATH_MAX];
    size_t lineno = 0;

    while (fgets(line, sizeof(line), f)) {
        char *s = line, *e;

        lineno++;
        if (!strchr(line, '\n') && !feof(f)) {
            snprintf(err, errlen, "%s:%zu: a line over %zu bytes", path,
                     lineno, sizeof(line) - 2);
            return -LC_EINPUT;
        }
        while (*s == ' ' || *s == '\t')
            s++;
        e = s + strlen(s);
        while (e > s && strchr(" \t\r\n", e[-1]))
            e--;
        if (e == s || *s == '#')
            continue;
        if (add_key(b, s, (size_t)(e - s)) < 0) {
            snprintf(err, errlen, "%s:%zu: too many lines", path, lineno);
            return -LC_EINPUT;
        }
    }
    if (ferror(f)) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -LC_EIO;
    }
    return 0;
}

int lc_baseline_read(const char *path, struct lc_baseline *b, char *err,
                     size_t errlen)
{
    FILE *f;
    int ch, rc;

    memset(b, 0, sizeof(*b));
    lc_buf_init(&b->keys, LC_CASES_MAX * (size_t)LC_TEST_ID_MAX);
    if (!(f = fopen(path, "re"))) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -LC_EIO;
    }
    do
        ch = fgetc(f);
    while (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n');
    if (ch == '{') {
        fclose(f);
        return read_report(path, b, err, errlen);
    }
    rewind(f);
    rc = read_list(path, f, b, err, errlen);
    fclose(f);
    return rc;
}

/* Whether key names the case: the same text, or the same file. */
static bool names(const char *key, const struct lc_case *c)
{
    char a[PATH_MAX], k[PATH_MAX];

    if (c->id[0])
        return strcmp(key, c->id) == 0;
    if (strcmp(key, c->path) == 0)
        return true;
    return realpath(key, k) && realpath(c->path, a) && strcmp(a, k) == 0;
}

void lc_baseline_mark(const struct lc_baseline *b, struct lc_case *cases,
                      size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *key = b->keys.data;

        cases[i].baseline = LC_BASELINE_NEW;
        for (size_t k = 0; k < b->n; k++, key += strlen(key) + 1)
            if (names(key, &cases[i])) {
                cases[i].baseline = LC_BASELINE_KNOWN;
                break;
            }
    }
}

void lc_baseline_release(struct lc_baseline *b)
{
    lc_buf_release(&b->keys);
    b->n = 0;
}
