/* A TOML reader for pyproject.toml's [tool.leakcheck] tables (toml.h). */
#include "toml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"

/* Decoded strings of one key/value pair, and the key and table names. */
#define SCRATCH_MAX 65536
#define NAME_MAX_LEN 512

struct reader {
    const char *p, *end;
    long line;
    char *err;
    size_t errlen;
    char scratch[SCRATCH_MAX];
    size_t used;
    const char *items[LC_TOML_ITEMS_MAX];
};

static int fail(struct reader *r, const char *what)
{
    snprintf(r->err, r->errlen, "%ld: %s", r->line, what);
    return -1;
}

static int at(const struct reader *r, size_t k)
{
    return r->p + k < r->end ? (unsigned char)r->p[k] : -1;
}

static void skip_ws(struct reader *r)
{
    while (at(r, 0) == ' ' || at(r, 0) == '\t')
        r->p++;
}

/* Spaces, newlines and comments (between array items, between lines). */
static void skip_blank(struct reader *r)
{
    for (;;) {
        skip_ws(r);
        if (at(r, 0) == '#')
            while (at(r, 0) != -1 && at(r, 0) != '\n')
                r->p++;
        if (at(r, 0) == '\r' && at(r, 1) == '\n')
            r->p++;
        if (at(r, 0) != '\n')
            return;
        r->line++;
        r->p++;
    }
}

/* Nothing but a comment may follow on the line. */
static int end_of_line(struct reader *r)
{
    skip_ws(r);
    if (at(r, 0) == '#')
        while (at(r, 0) != -1 && at(r, 0) != '\n')
            r->p++;
    if (at(r, 0) == '\r')
        r->p++;
    if (at(r, 0) == -1)
        return 0;
    if (at(r, 0) != '\n')
        return fail(r, "expected the end of the line");
    r->line++;
    r->p++;
    return 0;
}

static void put(struct reader *r, char **out, unsigned c)
{
    if (*out && r->used + 1 < SCRATCH_MAX) {
        (*out)[0] = (char)c;
        (*out)++;
        r->used++;
    }
}

/* A code point as UTF-8 into the scratch. */
static void put_utf8(struct reader *r, char **out, unsigned long cp)
{
    if (cp < 0x80) {
        put(r, out, (unsigned)cp);
    } else if (cp < 0x800) {
        put(r, out, 0xc0 | (unsigned)(cp >> 6));
        put(r, out, 0x80 | (unsigned)(cp & 0x3f));
    } else if (cp < 0x10000) {
        put(r, out, 0xe0 | (unsigned)(cp >> 12));
        put(r, out, 0x80 | (unsigned)((cp >> 6) & 0x3f));
        put(r, out, 0x80 | (unsigned)(cp & 0x3f));
    } else {
        put(r, out, 0xf0 | (unsigned)(cp >> 18));
        put(r, out, 0x80 | (unsigned)((cp >> 12) & 0x3f));
        put(r, out, 0x80 | (unsigned)((cp >> 6) & 0x3f));
        put(r, out, 0x80 | (unsigned)(cp & 0x3f));
    }
}

/* One escape of a basic string, after its backslash. */
static int escape(struct reader *r, char **out, bool multi)
{
    static const char from[] = "btnfr\"\\", to[] = "\b\t\n\f\r\"\\";
    const char *e = strchr(from, at(r, 0) > 0 ? at(r, 0) : 'x');
    int digits = at(r, 0) == 'u' ? 4 : at(r, 0) == 'U' ? 8 : 0;
    unsigned long cp = 0;

    if (e && at(r, 0) > 0) {
        put(r, out, (unsigned char)to[e - from]);
        r->p++;
        return 0;
    }
    if (multi && strchr(" \t\r\n", at(r, 0) > 0 ? at(r, 0) : 'x')) {
        /* a line-ending backslash: the newline and what follows go */
        while (at(r, 0) == ' ' || at(r, 0) == '\t' || at(r, 0) == '\r' ||
               at(r, 0) == '\n')
            r->line += *r->p++ == '\n';
        return 0;
    }
    if (!digits)
        return fail(r, "unknown escape in a string");
    for (int i = 1; i <= digits; i++) {
        int c = at(r, (size_t)i);
        const char *h = c > 0 ? strchr("0123456789abcdef", c | 0x20) : NULL;

        if (!h || !c)
            return fail(r, "bad \\u escape in a string");
        cp = cp * 16 + (unsigned long)(h - "0123456789abcdef");
    }
    r->p += digits + 1;
    put_utf8(r, out, cp);
    return 0;
}

/* A string of any of the four kinds at r->p; its text into the scratch
 * when *str is given (NUL-terminated), else only skipped. */
static int string(struct reader *r, const char **str)
{
    char q = *r->p, *out = str ? r->scratch + r->used : NULL;
    bool multi = at(r, 1) == q && at(r, 2) == q;

    if (str)
        *str = out;
    r->p += multi ? 3 : 1;
    if (multi && at(r, 0) == '\n')
        r->p++, r->line++; /* a newline right after the quotes goes */
    else if (multi && at(r, 0) == '\r' && at(r, 1) == '\n')
        r->p += 2, r->line++;
    for (;;) {
        int c = at(r, 0);

        if (c == -1 || (!multi && c == '\n'))
            return fail(r, "a string is not closed");
        if (c == q &&
            (!multi || (at(r, 1) == q && at(r, 2) == q && at(r, 3) != q))) {
            r->p += multi ? 3 : 1;
            break;
        }
        if (c == '\\' && q == '"') {
            r->p++;
            if (escape(r, &out, multi) < 0)
                return -1;
            continue;
        }
        r->line += c == '\n';
        put(r, &out, (unsigned)c);
        r->p++;
    }
    put(r, &out, 0);
    return 0;
}

/* A-Za-z0-9_- */
static bool bare_key_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* A key: bare or quoted parts joined by dots, into name. */
static int key(struct reader *r, char *name, size_t len)
{
    size_t n = 0;

    for (;;) {
        const char *s = NULL, *start = r->p;
        size_t used = r->used, k;

        skip_ws(r);
        start = r->p;
        if (at(r, 0) == '"' || at(r, 0) == '\'') {
            if (string(r, &s) < 0)
                return -1;
            k = strlen(s);
        } else {
            while (bare_key_char(at(r, 0)))
                r->p++;
            s = start;
            k = (size_t)(r->p - start);
            if (k == 0)
                return fail(r, "expected a key");
        }
        if (n + k + 2 > len)
            return fail(r, "a key is too long");
        memcpy(name + n, s, k);
        n += k;
        name[n] = '\0';
        r->used = used;
        skip_ws(r);
        if (at(r, 0) != '.')
            return 0;
        name[n++] = '.';
        r->p++;
    }
}

static int value(struct reader *r, struct lc_toml_value *v, int depth);

/* An array: its strings into r->items when v is given. */
static int array(struct reader *r, struct lc_toml_value *v, int depth)
{
    struct lc_toml_value item;

    r->p++;
    if (v) {
        v->type = LC_TOML_ARRAY;
        v->items = r->items;
        v->n = 0;
    }
    for (;;) {
        skip_blank(r);
        if (at(r, 0) == ']') {
            r->p++;
            return 0;
        }
        if (value(r, v ? &item : NULL, depth + 1) < 0)
            return -1;
        if (v && item.type != LC_TOML_STRING)
            return fail(r, "expected an array of strings");
        if (v && v->n >= LC_TOML_ITEMS_MAX)
            return fail(r, "more strings in an array than leakcheck takes");
        if (v)
            r->items[v->n++] = item.str;
        skip_blank(r);
        if (at(r, 0) == ',')
            r->p++;
        else if (at(r, 0) != ']')
            return fail(r, "expected ',' or ']' in an array");
    }
}

/* An inline table, skipped: { key = value, ... }. */
static int inline_table(struct reader *r, int depth)
{
    char name[NAME_MAX_LEN];

    r->p++;
    for (;;) {
        skip_blank(r);
        if (at(r, 0) == '}') {
            r->p++;
            return 0;
        }
        if (key(r, name, sizeof(name)) < 0)
            return -1;
        if (at(r, 0) != '=')
            return fail(r, "expected '=' in an inline table");
        r->p++;
        skip_ws(r);
        if (value(r, NULL, depth + 1) < 0)
            return -1;
        skip_blank(r);
        if (at(r, 0) == ',')
            r->p++;
        else if (at(r, 0) != '}')
            return fail(r, "expected ',' or '}' in an inline table");
    }
}

/* A bare value: a boolean, a number (or, skipped, a date). */
static int bare(struct reader *r, struct lc_toml_value *v)
{
    const char *s = r->p;
    char num[64], *end;
    size_t n = 0;

    while (at(r, 0) > 0 && !strchr(",]}#\r\n", at(r, 0)))
        r->p++;
    while (r->p > s && (r->p[-1] == ' ' || r->p[-1] == '\t'))
        r->p--;
    if (r->p == s)
        return fail(r, "expected a value");
    if (!v)
        return 0;
    if ((size_t)(r->p - s) == 4 && !memcmp(s, "true", 4))
        return v->type = LC_TOML_BOOL, v->boolean = true, 0;
    if ((size_t)(r->p - s) == 5 && !memcmp(s, "false", 5))
        return v->type = LC_TOML_BOOL, v->boolean = false, 0;
    for (const char *c = s; c < r->p && n + 1 < sizeof(num); c++)
        if (*c != '_')
            num[n++] = *c;
    num[n] = '\0';
    v->number = strtod(num, &end);
    if (n == 0 || *end || strpbrk(num, "nNiIxXoObB") ||
        !strchr("+-0123456789", num[0]))
        return fail(r, "expected a string, a number, true or false");
    v->type = strpbrk(num, ".eE") ? LC_TOML_FLOAT : LC_TOML_INTEGER;
    return 0;
}

/* Any value at r->p; parsed into v when given, else skipped. */
static int value(struct reader *r, struct lc_toml_value *v, int depth)
{
    const char *start = r->p;
    int rc;

    if (depth > 32)
        return fail(r, "values nested too deep");
    if (at(r, 0) == '"' || at(r, 0) == '\'') {
        rc = string(r, v ? &v->str : NULL);
        if (v)
            v->type = LC_TOML_STRING;
    } else if (at(r, 0) == '[') {
        rc = array(r, v, depth);
    } else if (at(r, 0) == '{') {
        if (v)
            return fail(r, "an inline table is not a value leakcheck takes");
        rc = inline_table(r, depth);
    } else {
        rc = bare(r, v);
    }
    if (v) {
        v->raw = start;
        v->raw_len = (size_t)(r->p - start);
    }
    return rc;
}

/* Whether table is prefix or under it. */
static bool wanted(const char *table, const char *prefix)
{
    size_t n = strlen(prefix);

    return strncmp(table, prefix, n) == 0 &&
           (table[n] == '\0' || table[n] == '.');
}

struct state {
    const char *prefix;
    lc_toml_fn *fn;
    lc_toml_table_fn *table_fn;
    void *ctx;
    char table[NAME_MAX_LEN];
    long element;
    char last_array[NAME_MAX_LEN]; /* the [[name]] counted in element */
};

/* A [table] or [[array table]] header. */
static int header(struct reader *r, struct state *st)
{
    bool arr = at(r, 1) == '[';

    r->p += arr ? 2 : 1;
    if (key(r, st->table, sizeof(st->table)) < 0)
        return -1;
    if (at(r, 0) != ']' || (arr && at(r, 1) != ']'))
        return fail(r, "expected ']' closing a table header");
    r->p += arr ? 2 : 1;
    if (arr && strcmp(st->table, st->last_array) == 0) {
        st->element++;
    } else {
        st->element = arr ? 1 : 0;
        snprintf(st->last_array, sizeof(st->last_array), "%s",
                 arr ? st->table : "");
    }
    if (st->table_fn &&
        st->table_fn(st->ctx, st->table, arr, r->line, r->err, r->errlen) < 0)
        return -1;
    return end_of_line(r);
}

/* key = value, handed to the callback when under a wanted table. */
static int pair(struct reader *r, struct state *st)
{
    char name[NAME_MAX_LEN];
    struct lc_toml_value v;
    long line = r->line;
    bool want;

    if (key(r, name, sizeof(name)) < 0)
        return -1;
    if (at(r, 0) != '=')
        return fail(r, "expected '=' after a key");
    r->p++;
    skip_ws(r);
    want = wanted(st->table, st->prefix);
    r->used = 0;
    memset(&v, 0, sizeof(v));
    if (value(r, want ? &v : NULL, 0) < 0)
        return -1;
    if (want && st->fn(st->ctx, st->table, st->element, name, &v, line, r->err,
                       r->errlen) < 0)
        return -1;
    return end_of_line(r);
}

int lc_toml_read(const char *text, size_t len, const char *prefix,
                 lc_toml_fn *fn, lc_toml_table_fn *table_fn, void *ctx,
                 char *err, size_t errlen)
{
    static struct reader r; /* its scratch is large */
    static struct state st;
    int rc = 0;

    memset(&r, 0, sizeof(r));
    memset(&st, 0, sizeof(st));
    r.p = text;
    r.end = text + len;
    r.line = 1;
    r.err = err;
    r.errlen = errlen;
    st.prefix = prefix;
    st.fn = fn;
    st.table_fn = table_fn;
    st.ctx = ctx;
    if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
        r.p += 3;
    while (rc == 0) {
        skip_blank(&r);
        if (at(&r, 0) == -1)
            break;
        rc = at(&r, 0) == '[' ? header(&r, &st) : pair(&r, &st);
    }
    return rc < 0 ? -LC_EINPUT : 0;
}
