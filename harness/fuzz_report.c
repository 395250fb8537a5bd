/*
 * fuzz_report - the report writers (report.h) on any bytes in paths,
 * sources and messages (tracebacks).
 *
 * Input layout:
 *   byte 0           cases in the report: 1 + (b % 4)
 *   then per case, RECORD bytes:
 *     [0] verdict (% LC_VERDICT_COUNT)   [1] expect (& 1)
 *     [2] leaking signals (& LC_SIG_ALL)  [3] plan reason (%
 * LC_PLAN_REASON_COUNT) [4] phase (% LC_PHASE_COUNT) [5] gc_enabled (& 1)
 *     [6..7] iterations (u16)            [8..9] elapsed, centiseconds
 *     [10..11] growth per iteration of every signal, quarters (i16)
 *   then the strings, each ended by a NUL byte or the input's end, in the
 *   order path, source, message of case 1, then of case 2, ...; a missing
 *   string is empty, a long one is cut to its field.
 * Inputs too short for the records are rejected. Numbers are finite and in
 * the ranges the runner produces; the phase is one of the runner's own
 * names (report.c writes it without escaping, as it is never user text).
 *
 * Invariants checked, each a finding when broken:
 *   - JSON: the document parses (a strict RFC 8259 validator below: UTF-8,
 *     escapes, numbers), and every path, source and message decodes back
 *     to the bytes given when those were valid UTF-8;
 *   - text: one line per case plus the summary line; every other line is
 *     an indented message line ("     | "); no control byte on a case line;
 *   - JUnit XML: well-formed (a small checker below: tags nest, attribute
 *     values and text hold no raw '<' or stray '&', only XML 1.0
 *     characters, valid UTF-8 as the declaration says). This target found
 *     that report.c wrote invalid UTF-8 of a path into the XML as it came
 *     (fixed in fb92051: such bytes become U+FFFD, as in JSON).
 */
#define _GNU_SOURCE 1
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "fuzz_common.h"
#include "json.h"
#include "report.h"
#include "result.h"

#define CASES_MAX 4
#define RECORD 12
#define JSON_DEPTH_MAX 32
#define XML_DEPTH_MAX 16
#define XML_NAME_MAX 32

/* ---- input ------------------------------------------------------------ */

struct input {
    const uint8_t *p;
    size_t left;
};

/* The next string, up to a NUL or the end, cut to cap - 1 bytes. */
static void take_string(struct input *in, char *dst, size_t cap)
{
    size_t n = 0;

    while (in->left && *in->p) {
        if (n + 1 < cap)
            dst[n++] = (char)*in->p;
        in->p++;
        in->left--;
    }
    if (in->left) { /* the NUL */
        in->p++;
        in->left--;
    }
    dst[n] = '\0';
}

/* ---- UTF-8 -------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s[0..n), 0 when invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n, unsigned *cp_out)
{
    size_t len;
    unsigned cp;

    if (n == 0)
        return 0;
    if (s[0] < 0x80)
        len = 1, cp = s[0];
    else if (s[0] >= 0xc2 && s[0] <= 0xdf)
        len = 2, cp = s[0] & 0x1f;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        len = 3, cp = s[0] & 0x0f;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        len = 4, cp = s[0] & 0x07;
    else
        return 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
    if (cp_out)
        *cp_out = cp;
    return len;
}

static bool valid_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);

    while (n) {
        size_t k = utf8_seq(p, n, NULL);

        if (!k)
            return false;
        p += k;
        n -= k;
    }
    return true;
}

static size_t put_utf8(char *out, unsigned cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | cp >> 12);
        out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | cp >> 18);
    out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* ---- a strict JSON validator -------------------------------------------- */

/* The decoded values of the keys we compare, in document order. */
#define WATCH_KEYS 3
static const char *const watch_keys[WATCH_KEYS] = {"path", "source",
                                                   "message"};

struct json {
    const unsigned char *p, *end;
    int depth;
    char *decoded[WATCH_KEYS][CASES_MAX]; /* heap copies */
    int found[WATCH_KEYS];
};

static void ws(struct json *j)
{
    while (j->p < j->end &&
           (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

static int hex4(const unsigned char *p)
{
    int v = 0;

    for (int i = 0; i < 4; i++) {
        int c = p[i], d;

        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return -1;
        v = v << 4 | d;
    }
    return v;
}

/* A string; its decoded bytes go to out (cap bytes) when out is given. */
static bool json_string(struct json *j, char *out, size_t cap, size_t *outlen)
{
    size_t n = 0;
    char tmp[4];

    if (j->p >= j->end || *j->p != '"')
        return false;
    j->p++;
    for (;;) {
        unsigned cp;
        size_t k;

        if (j->p >= j->end)
            return false;
        if (*j->p == '"') {
            j->p++;
            break;
        }
        if (*j->p < 0x20)
            return false;
        if (*j->p == '\\') {
            if (j->end - j->p < 2)
                return false;
            switch (j->p[1]) {
            case '"':
                cp = '"';
                break;
            case '\\':
                cp = '\\';
                break;
            case '/':
                cp = '/';
                break;
            case 'b':
                cp = '\b';
                break;
            case 'f':
                cp = '\f';
                break;
            case 'n':
                cp = '\n';
                break;
            case 'r':
                cp = '\r';
                break;
            case 't':
                cp = '\t';
                break;
            case 'u': {
                int v;

                if (j->end - j->p < 6 || (v = hex4(j->p + 2)) < 0)
                    return false;
                cp = (unsigned)v;
                if (cp >= 0xd800 && cp <= 0xdbff) {
                    int lo;

                    if (j->end - j->p < 12 || j->p[6] != '\\' ||
                        j->p[7] != 'u' || (lo = hex4(j->p + 8)) < 0 ||
                        lo < 0xdc00 || lo > 0xdfff)
                        return false; /* a lone high surrogate */
                    cp = 0x10000 + ((cp - 0xd800) << 10) +
                         ((unsigned)lo - 0xdc00);
                    j->p += 6;
                } else if (cp >= 0xdc00 && cp <= 0xdfff) {
                    return false; /* a lone low surrogate */
                }
                j->p += 4;
                break;
            }
            default:
                return false;
            }
            j->p += 2;
            k = put_utf8(tmp, cp);
        } else {
            k = utf8_seq(j->p, (size_t)(j->end - j->p), &cp);
            if (!k)
                return false;
            memcpy(tmp, j->p, k);
            j->p += k;
        }
        if (out && n + k < cap) {
            memcpy(out + n, tmp, k);
            n += k;
        }
    }
    if (out)
        out[n] = '\0';
    if (outlen)
        *outlen = n;
    return true;
}

static bool json_number(struct json *j)
{
    const unsigned char *s = j->p;

    if (j->p < j->end && *j->p == '-')
        j->p++;
    if (j->p >= j->end)
        return false;
    if (*j->p == '0') {
        j->p++;
    } else if (*j->p >= '1' && *j->p <= '9') {
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
    } else {
        return false;
    }
    if (j->p < j->end && *j->p == '.') {
        j->p++;
        if (j->p >= j->end || *j->p < '0' || *j->p > '9')
            return false;
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
    }
    if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
        j->p++;
        if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
            j->p++;
        if (j->p >= j->end || *j->p < '0' || *j->p > '9')
            return false;
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
    }
    return j->p > s;
}

static bool json_word(struct json *j, const char *w)
{
    size_t n = strlen(w);

    if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n) != 0)
        return false;
    j->p += n;
    return true;
}

static bool json_value(struct json *j, int watch);

static bool json_object(struct json *j)
{
    j->p++; /* '{' */
    ws(j);
    if (j->p < j->end && *j->p == '}') {
        j->p++;
        return true;
    }
    for (;;) {
        char key[16];
        size_t klen;
        int watch = -1;

        ws(j);
        if (!json_string(j, key, sizeof(key), &klen))
            return false;
        for (int k = 0; k < WATCH_KEYS; k++)
            if (klen == strlen(watch_keys[k]) &&
                strcmp(key, watch_keys[k]) == 0 && j->depth == 3)
                watch = k;
        ws(j);
        if (j->p >= j->end || *j->p != ':')
            return false;
        j->p++;
        ws(j);
        if (!json_value(j, watch))
            return false;
        ws(j);
        if (j->p < j->end && *j->p == ',') {
            j->p++;
            continue;
        }
        if (j->p < j->end && *j->p == '}') {
            j->p++;
            return true;
        }
        return false;
    }
}

static bool json_array(struct json *j)
{
    j->p++; /* '[' */
    ws(j);
    if (j->p < j->end && *j->p == ']') {
        j->p++;
        return true;
    }
    for (;;) {
        ws(j);
        if (!json_value(j, -1))
            return false;
        ws(j);
        if (j->p < j->end && *j->p == ',') {
            j->p++;
            continue;
        }
        if (j->p < j->end && *j->p == ']') {
            j->p++;
            return true;
        }
        return false;
    }
}

/* watch: which watched key this value belongs to, or -1. */
static bool json_value(struct json *j, int watch)
{
    bool ok;

    if (j->p >= j->end)
        return false;
    switch (*j->p) {
    case '{':
    case '[':
        if (++j->depth > JSON_DEPTH_MAX)
            return false;
        ok = *j->p == '{' ? json_object(j) : json_array(j);
        j->depth--;
        return ok;
    case '"':
        if (watch >= 0 && j->found[watch] < CASES_MAX) {
            size_t cap = LC_MSG_MAX * 4;
            char *buf = malloc(cap);

            if (!buf)
                return false;
            j->decoded[watch][j->found[watch]++] = buf;
            return json_string(j, buf, cap, NULL);
        }
        return json_string(j, NULL, 0, NULL);
    case 't':
        return json_word(j, "true");
    case 'f':
        return json_word(j, "false");
    case 'n':
        return json_word(j, "null");
    default:
        return json_number(j);
    }
}

/* Whether text[0..len) is one JSON value and nothing else but space. */
static bool json_parse(struct json *j, const char *text, size_t len)
{
    memset(j, 0, sizeof(*j));
    j->p = (const unsigned char *)text;
    j->end = j->p + len;
    ws(j);
    if (!json_value(j, -1))
        return false;
    ws(j);
    return j->p == j->end;
}

static void json_release(struct json *j)
{
    for (int k = 0; k < WATCH_KEYS; k++)
        for (int i = 0; i < j->found[k]; i++)
            free(j->decoded[k][i]);
}

/* ---- a small XML well-formedness checker -------------------------------- */

struct xml {
    const unsigned char *p, *end;
    int depth;
    char stack[XML_DEPTH_MAX][XML_NAME_MAX];
};

/* One character of text or attribute value; false if not allowed. */
static bool xml_char(struct xml *x, bool in_attr)
{
    unsigned c = *x->p;

    if (c == '<' || (in_attr && c == '"'))
        return false;
    if (c == '&') {
        static const char *const ents[] = {"&lt;", "&gt;", "&amp;", "&quot;",
                                           "&apos;"};

        for (size_t i = 0; i < sizeof(ents) / sizeof(ents[0]); i++) {
            size_t n = strlen(ents[i]);

            if ((size_t)(x->end - x->p) >= n &&
                memcmp(x->p, ents[i], n) == 0) {
                x->p += n;
                return true;
            }
        }
        return false;
    }
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
        return false;
    if (c >= 0x80) {
        size_t k = utf8_seq(x->p, (size_t)(x->end - x->p), NULL);

        if (!k)
            return false;
        x->p += k;
        return true;
    }
    x->p++;
    return true;
}

static bool xml_name(struct xml *x, char *out)
{
    size_t n = 0;

    while (x->p < x->end &&
           ((*x->p >= 'a' && *x->p <= 'z') || (*x->p >= 'A' && *x->p <= 'Z') ||
            (n && *x->p >= '0' && *x->p <= '9') ||
            (n && (*x->p == '-' || *x->p == '_')))) {
        if (n + 1 >= XML_NAME_MAX)
            return false;
        out[n++] = (char)*x->p++;
    }
    out[n] = '\0';
    return n > 0;
}

static void xml_ws(struct xml *x)
{
    while (x->p < x->end &&
           (*x->p == ' ' || *x->p == '\n' || *x->p == '\t' || *x->p == '\r'))
        x->p++;
}

/* A start tag after '<'; attributes name="value". */
static bool xml_start_tag(struct xml *x)
{
    char name[XML_NAME_MAX];

    if (!xml_name(x, name))
        return false;
    for (;;) {
        char attr[XML_NAME_MAX];

        xml_ws(x);
        if (x->p >= x->end)
            return false;
        if (*x->p == '/' || *x->p == '>')
            break;
        if (!xml_name(x, attr) || x->p + 1 >= x->end || x->p[0] != '=' ||
            x->p[1] != '"')
            return false;
        x->p += 2;
        while (x->p < x->end && *x->p != '"')
            if (!xml_char(x, true))
                return false;
        if (x->p >= x->end)
            return false;
        x->p++; /* '"' */
    }
    if (*x->p == '/') {
        x->p++;
        if (x->p >= x->end || *x->p != '>')
            return false;
        x->p++;
        return true;
    }
    x->p++; /* '>' */
    if (x->depth == XML_DEPTH_MAX)
        return false;
    memcpy(x->stack[x->depth++], name, sizeof(name));
    return true;
}

static bool xml_check(const char *text, size_t len)
{
    static const char decl[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
    struct xml x = {.p = (const unsigned char *)text,
                    .end = (const unsigned char *)text + len};
    bool root_seen = false;

    if (len < strlen(decl) || memcmp(text, decl, strlen(decl)) != 0)
        return false;
    x.p += strlen(decl);
    while (x.p < x.end) {
        if (*x.p != '<') {
            if (x.depth == 0) { /* only space outside the root */
                if (*x.p != '\n' && *x.p != ' ')
                    return false;
                x.p++;
            } else if (!xml_char(&x, false)) {
                return false;
            }
            continue;
        }
        x.p++;
        if (x.p < x.end && *x.p == '/') {
            char name[XML_NAME_MAX];

            x.p++;
            if (!xml_name(&x, name) || x.p >= x.end || *x.p != '>' ||
                x.depth == 0 || strcmp(x.stack[x.depth - 1], name) != 0)
                return false;
            x.p++;
            x.depth--;
            continue;
        }
        if (x.depth == 0 && root_seen)
            return false; /* a second root */
        root_seen = true;
        if (!xml_start_tag(&x))
            return false;
    }
    return root_seen && x.depth == 0;
}

/* ---- the target -----------------------------------------------------------
 */

/* Write the report to a memory stream; the text is the caller's to free. */
static char *render(enum lc_format fmt, const struct lc_case *cases,
                    const struct lc_result *results, size_t n, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);

    if (!f)
        abort();
    LC_FUZZ_CHECK(lc_report_write(f, fmt, cases, results, n, 1.5) == 0);
    if (fclose(f) != 0)
        abort();
    return buf;
}

static void check_text(const char *text, size_t len, size_t n)
{
    size_t heads = 0;
    const char *p = text, *end = text + len;

    LC_FUZZ_CHECK(len > 0 && text[len - 1] == '\n');
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t linelen = (size_t)(nl - p);

        LC_FUZZ_CHECK(nl != NULL);
        if (linelen >= 7 && memcmp(p, "     | ", 7) == 0) {
            LC_FUZZ_CHECK(heads > 0 && heads <= n); /* under a case */
        } else {
            heads++;
            for (size_t i = 0; i < linelen; i++)
                LC_FUZZ_CHECK((unsigned char)p[i] >= 0x20 && p[i] != 0x7f);
        }
        p = nl + 1;
    }
    LC_FUZZ_CHECK(heads == n + 1); /* a line per case, then the summary */
}

/* The HTML page: two script elements (its data, its code), the data a
 * JSON value that JSON.parse would take, nothing in it that ends or bends
 * the element ("</", "<!--"). */
static void check_html(const char *html, size_t len)
{
    static const char open_tag[] =
        "<script type=\"application/json\" id=\"lc-data\">";
    const char *data = strstr(html, open_tag), *end, *p;
    struct lc_json v;
    char err[256];
    size_t closes = 0;

    LC_FUZZ_CHECK(len > 0 && strlen(html) == len);
    for (p = html; (p = strstr(p, "</script>")); p++)
        closes++;
    LC_FUZZ_CHECK(closes == 2);
    LC_FUZZ_CHECK(data != NULL);
    data += sizeof(open_tag) - 1;
    end = strstr(data, "</script>");
    LC_FUZZ_CHECK(end != NULL);
    for (p = data; p < end; p++)
        LC_FUZZ_CHECK(*p != '<');
    LC_FUZZ_CHECK(
        lc_json_parse(data, (size_t)(end - data), &v, err, sizeof(err)) == 0);
    LC_FUZZ_CHECK(v.type == LC_JSON_ARRAY);
    lc_json_release(&v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct lc_case cases[CASES_MAX];
    static struct lc_result results[CASES_MAX];
    struct input in;
    struct json j;
    size_t n, len;
    char *out;
    bool ok;

    if (size < 1 || size > LC_FUZZ_INPUT_MAX)
        return 0;
    n = 1 + data[0] % CASES_MAX;
    if (size < 1 + n * RECORD)
        return 0;
    for (size_t i = 0; i < n; i++) {
        const uint8_t *r = data + 1 + i * RECORD;
        struct lc_result *res = &results[i];
        int16_t q = (int16_t)(uint16_t)(r[10] | r[11] << 8);

        lc_case_init(&cases[i], "");
        memset(res, 0, sizeof(*res));
        res->magic = LC_RESULT_MAGIC;
        res->verdict = (enum lc_verdict)(r[0] % LC_VERDICT_COUNT);
        cases[i].expect = r[1] & 1 ? LC_EXPECT_LEAK : LC_EXPECT_CLEAN;
        res->leaking = r[2] & LC_SIG_ALL;
        res->reason = (enum lc_plan_reason)(r[3] % LC_PLAN_REASON_COUNT);
        res->phase = (enum lc_phase)(r[4] % LC_PHASE_COUNT);
        res->gc_enabled = r[5] & 1;
        res->iterations = r[6] | r[7] << 8;
        res->measured = res->iterations / 2;
        res->elapsed_s = (r[8] | r[9] << 8) / 100.0;
        for (int s = 0; s < LC_SIG_COUNT; s++) {
            res->trend[s].per_iter = q / 4.0 * (s + 1);
            res->trend[s].total = (int64_t)q * res->measured;
            res->state[s] = (enum lc_trend_state)((r[2] >> s) & 3);
            res->detected_at[s] = q > 0 ? q : 0;
        }
    }
    in.p = data + 1 + n * RECORD;
    in.left = size - 1 - n * RECORD;
    for (size_t i = 0; i < n; i++) {
        take_string(&in, cases[i].path, sizeof(cases[i].path));
        take_string(&in, cases[i].source, sizeof(cases[i].source));
        take_string(&in, results[i].message, sizeof(results[i].message));
    }

    /* JSON parses, and the strings come back. */
    out = render(LC_FORMAT_JSON, cases, results, n, &len);
    ok = json_parse(&j, out, len);
    if (!ok)
        fprintf(stderr, "fuzz_report: JSON does not parse:\n%s\n", out);
    LC_FUZZ_CHECK(ok);
    LC_FUZZ_CHECK(j.found[0] == (int)n);
    for (size_t i = 0, src = 0, msg = 0; i < n; i++) {
        const char *given[WATCH_KEYS] = {cases[i].path, cases[i].source,
                                         results[i].message};
        const char *back[WATCH_KEYS] = {j.decoded[0][i], NULL, NULL};

        /* source and message appear only when not empty */
        if (cases[i].source[0])
            back[1] = src < (size_t)j.found[1] ? j.decoded[1][src++] : "";
        if (results[i].message[0])
            back[2] = msg < (size_t)j.found[2] ? j.decoded[2][msg++] : "";
        for (int k = 0; k < WATCH_KEYS; k++)
            if (back[k] && valid_utf8(given[k]))
                LC_FUZZ_CHECK(strcmp(back[k], given[k]) == 0);
    }
    json_release(&j);
    free(out);

    /* Text: a line per case. */
    out = render(LC_FORMAT_TEXT, cases, results, n, &len);
    check_text(out, len, n);
    free(out);

    /* JUnit XML is well-formed. */
    out = render(LC_FORMAT_JUNIT, cases, results, n, &len);
    ok = xml_check(out, len);
    if (!ok)
        fprintf(stderr, "fuzz_report: XML is not well-formed:\n%s\n", out);
    LC_FUZZ_CHECK(ok);
    free(out);

    /* HTML: the page's data is JSON that ends where its element ends. */
    out = render(LC_FORMAT_HTML, cases, results, n, &len);
    check_html(out, len);
    free(out);
    return 0;
}
