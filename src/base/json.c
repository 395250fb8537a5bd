#include "json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "errors.h"
#include "lc_limits.h"

struct parser {
    const char *p, *start, *end;
    int depth;
    char *err;
    size_t errlen;
};

static int fail(struct parser *ps, const char *what)
{
    snprintf(ps->err, ps->errlen, "%s at byte %zu", what,
             (size_t)(ps->p - ps->start));
    return -LC_EINPUT;
}

static void skip_space(struct parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' ||
                               *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

static int parse_value(struct parser *ps, struct lc_json *v);

static int hex4(struct parser *ps, unsigned *out)
{
    unsigned v = 0;

    if (ps->end - ps->p < 4)
        return fail(ps, "short \\u escape");
    for (int i = 0; i < 4; i++) {
        char c = *ps->p++;

        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return fail(ps, "bad \\u escape");
    }
    *out = v;
    return 0;
}

/* A \u escape (a surrogate pair when there is one) as UTF-8 into b. A
 * lone surrogate is kept as its three-byte form, as Python's
 * surrogateescape-free json.dumps never writes one but a reader must not
 * fail on what a user's file name gave. */
static int unicode_escape(struct parser *ps, struct lc_buf *b)
{
    unsigned cp, lo;
    char u[4];
    int n;

    if (hex4(ps, &cp))
        return -LC_EINPUT;
    if (cp >= 0xd800 && cp < 0xdc00 && ps->end - ps->p >= 6 &&
        ps->p[0] == '\\' && ps->p[1] == 'u') {
        const char *save = ps->p;

        ps->p += 2;
        if (hex4(ps, &lo) == 0 && lo >= 0xdc00 && lo < 0xe000)
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        else
            ps->p = save;
    }
    if (cp < 0x80) {
        u[0] = (char)cp, n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xc0 | cp >> 6), u[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xe0 | cp >> 12);
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[2] = (char)(0x80 | (cp & 0x3f)), n = 3;
    } else {
        u[0] = (char)(0xf0 | cp >> 18);
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[3] = (char)(0x80 | (cp & 0x3f)), n = 4;
    }
    return lc_buf_append(b, u, (size_t)n);
}

static int parse_string(struct parser *ps, char **out, size_t *len)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    struct lc_buf b;
    int rc = 0;

    lc_buf_init(&b, LC_JSON_INPUT_MAX);
    ps->p++; /* the opening quote */
    while (rc == 0) {
        const char *esc;

        if (ps->p >= ps->end) {
            rc = fail(ps, "unterminated string");
        } else if (*ps->p == '"') {
            ps->p++;
            break;
        } else if ((unsigned char)*ps->p < 0x20) {
            rc = fail(ps, "control character in a string");
        } else if (*ps->p != '\\') {
            rc = lc_buf_append(&b, ps->p++, 1);
        } else if (++ps->p < ps->end && *ps->p == 'u') {
            ps->p++;
            rc = unicode_escape(ps, &b);
        } else if (ps->p < ps->end && *ps->p && (esc = strchr(from, *ps->p))) {
            rc = lc_buf_append(&b, &to[esc - from], 1);
            ps->p++;
        } else {
            rc = fail(ps, "bad escape");
        }
    }
    *len = b.len;
    *out = rc ? NULL : lc_buf_take(&b);
    lc_buf_release(&b);
    return rc ? rc : *out ? 0 : -LC_ENOMEM;
}

static int parse_number(struct parser *ps, struct lc_json *v)
{
    const char *s = ps->p;
    char tmp[64], *end;
    size_t n;

    if (s < ps->end && *s == '-')
        s++;
    if (s >= ps->end || !(*s >= '0' && *s <= '9'))
        return fail(ps, "expected a value");
    while (s < ps->end && strchr("0123456789+-.eE", *s) && *s)
        s++;
    n = (size_t)(s - ps->p);
    if (n >= sizeof(tmp))
        return fail(ps, "number too long");
    memcpy(tmp, ps->p, n);
    tmp[n] = '\0';
    v->number = strtod(tmp, &end);
    if (*end || !isfinite(v->number))
        return fail(ps, "bad number");
    v->type = LC_JSON_NUMBER;
    ps->p = s;
    return 0;
}

static int parse_word(struct parser *ps, struct lc_json *v)
{
    static const struct {
        const char *word;
        enum lc_json_type type;
        bool value;
    } words[] = {{"true", LC_JSON_BOOL, true},
                 {"false", LC_JSON_BOOL, false},
                 {"null", LC_JSON_NULL, false}};

    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        size_t n = strlen(words[i].word);

        if ((size_t)(ps->end - ps->p) >= n &&
            memcmp(ps->p, words[i].word, n) == 0) {
            v->type = words[i].type;
            v->boolean = words[i].value;
            ps->p += n;
            return 0;
        }
    }
    return parse_number(ps, v);
}

/* An array's or object's members, up to the closing bracket. */
static int parse_members(struct parser *ps, struct lc_json *v, bool object)
{
    struct lc_buf items, keys;
    int rc = 0;

    lc_buf_init(&items, LC_JSON_INPUT_MAX);
    lc_buf_init(&keys, LC_JSON_INPUT_MAX);
    v->type = object ? LC_JSON_OBJECT : LC_JSON_ARRAY;
    ps->p++;
    skip_space(ps);
    if (ps->p < ps->end && *ps->p == (object ? '}' : ']')) {
        ps->p++;
        return 0;
    }
    while (rc == 0) {
        struct lc_json *item = lc_buf_grow(&items, sizeof(*item));
        char **key = object ? lc_buf_grow(&keys, sizeof(*key)) : NULL;
        size_t klen;

        if (!item || (object && !key)) {
            rc = fail(ps, "too many members");
            break;
        }
        v->len++;
        skip_space(ps);
        if (object && (ps->p >= ps->end || *ps->p != '"'))
            rc = fail(ps, "expected a member name");
        else if (object && (rc = parse_string(ps, key, &klen)) == 0 &&
                 (skip_space(ps), ps->p >= ps->end || *ps->p++ != ':'))
            rc = fail(ps, "expected ':'");
        if (rc == 0)
            rc = parse_value(ps, item);
        skip_space(ps);
        if (rc == 0 && ps->p < ps->end && *ps->p == ',')
            ps->p++;
        else if (rc == 0 && ps->p < ps->end && *ps->p == (object ? '}' : ']'))
            break;
        else if (rc == 0)
            rc = fail(ps,
                      object ? "expected ',' or '}'" : "expected ',' or ']'");
    }
    ps->p++;
    v->items = (struct lc_json *)(void *)items.data;
    v->keys = (char **)(void *)keys.data;
    return rc;
}

static int parse_value(struct parser *ps, struct lc_json *v)
{
    int rc;

    memset(v, 0, sizeof(*v));
    skip_space(ps);
    if (ps->p >= ps->end)
        return fail(ps, "expected a value");
    if (++ps->depth > LC_JSON_DEPTH_MAX)
        return fail(ps, "nested too deep");
    v->raw = ps->p;
    if (*ps->p == '{' || *ps->p == '[')
        rc = parse_members(ps, v, *ps->p == '{');
    else if (*ps->p == '"')
        rc = (v->type = LC_JSON_STRING, parse_string(ps, &v->str, &v->len));
    else
        rc = parse_word(ps, v);
    v->raw_len = (size_t)(ps->p - v->raw);
    ps->depth--;
    return rc;
}

int lc_json_parse(const char *text, size_t len, struct lc_json *out, char *err,
                  size_t errlen)
{
    struct parser ps = {text, text, text + len, 0, err, errlen};
    int rc;

    if (len > LC_JSON_INPUT_MAX) {
        snprintf(err, errlen, "larger than %d bytes", LC_JSON_INPUT_MAX);
        memset(out, 0, sizeof(*out));
        return -LC_EINPUT;
    }
    rc = parse_value(&ps, out);
    skip_space(&ps);
    if (rc == 0 && ps.p != ps.end)
        rc = fail(&ps, "text after the value");
    if (rc)
        lc_json_release(out);
    return rc;
}

const struct lc_json *lc_json_get(const struct lc_json *o, const char *key)
{
    if (!o || o->type != LC_JSON_OBJECT)
        return NULL;
    for (size_t i = 0; i < o->len; i++)
        if (o->keys[i] && strcmp(o->keys[i], key) == 0)
            return &o->items[i];
    return NULL;
}

double lc_json_number(const struct lc_json *o, const char *key, double dflt)
{
    const struct lc_json *v = lc_json_get(o, key);

    return v && v->type == LC_JSON_NUMBER ? v->number : dflt;
}

bool lc_json_bool(const struct lc_json *o, const char *key, bool dflt)
{
    const struct lc_json *v = lc_json_get(o, key);

    return v && v->type == LC_JSON_BOOL ? v->boolean : dflt;
}

const char *lc_json_string(const struct lc_json *o, const char *key,
                           const char *dflt)
{
    const struct lc_json *v = lc_json_get(o, key);

    return v && v->type == LC_JSON_STRING ? v->str : dflt;
}

void lc_json_release(struct lc_json *v)
{
    for (size_t i = 0; i < v->len && v->items; i++) {
        lc_json_release(&v->items[i]);
        if (v->keys)
            free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->str);
    memset(v, 0, sizeof(*v));
}
