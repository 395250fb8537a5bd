#include "case.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "signals.h"

#define PREFIX "leakcheck:"

enum key {
    KEY_EXPECT,
    KEY_SOURCE,
    KEY_WARMUP,
    KEY_ITERATIONS,
    KEY_TIME,
    KEY_TIMEOUT,
    KEY_SIGNALS,
    KEY_COUNT
};

static const char *const key_names[KEY_COUNT] = {
    "expect", "source", "warmup", "iterations", "time", "timeout", "signals",
};

struct parser {
    struct lc_case *c;
    char *err;
    size_t errlen;
    long line;                /* 1-based line number being parsed */
    long seen_on[KEY_COUNT];  /* line where each key was set, 0 if not yet */
};

static int fail(struct parser *p, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (p->errlen == 0)
        return -LC_EHEADER;
    n = snprintf(p->err, p->errlen, "%s:%ld: ", p->c->path, p->line);
    if (n < 0 || (size_t)n >= p->errlen)
        return -LC_EHEADER;
    va_start(ap, fmt);
    vsnprintf(p->err + n, p->errlen - n, fmt, ap);
    va_end(ap);
    return -LC_EHEADER;
}

void lc_case_init(struct lc_case *c, const char *path)
{
    memset(c, 0, sizeof(*c));
    snprintf(c->path, sizeof(c->path), "%s", path ? path : "");
    c->expect = LC_EXPECT_CLEAN;
    c->warmup = LC_DEFAULT_WARMUP;
    c->iterations = LC_DEFAULT_ITERATIONS;
    c->time_s = LC_DEFAULT_TIME_S;
    c->timeout_s = LC_DEFAULT_TIMEOUT_S;
    c->signals = LC_SIG_ALL;
}

const char *lc_expect_name(enum lc_expect e)
{
    return e == LC_EXPECT_LEAK ? "leak" : "clean";
}

static bool is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\f' || ch == '\v';
}

static int parse_long(struct parser *p, const char *key, const char *v,
                      long lo, long hi, long *out)
{
    char *end;
    long x;

    errno = 0;
    x = strtol(v, &end, 10);
    if (*v == '\0' || *end != '\0' || errno != 0)
        return fail(p, "%s=%s is not a whole number", key, v);
    if (x < lo || x > hi)
        return fail(p, "%s=%ld is out of range [%ld, %ld]", key, x, lo, hi);
    *out = x;
    return 0;
}

static int parse_signals(struct parser *p, const char *v)
{
    unsigned mask = 0;
    const char *s = v;

    if (strcmp(v, "all") == 0) {
        p->c->signals = LC_SIG_ALL;
        return 0;
    }
    while (*s) {
        const char *comma = strchr(s, ',');
        unsigned len = comma ? (unsigned)(comma - s) : (unsigned)strlen(s);
        int sig = lc_signal_lookup(s, len);

        if (sig < 0)
            return fail(p,
                        "signals: unknown signal '%.*s' (known: py_blocks, "
                        "py_bytes, native_bytes, fds, threads, refs, or all)",
                        (int)len, s);
        mask |= 1u << sig;
        s += len;
        if (*s == ',' && *++s == '\0')
            return fail(p, "signals: trailing comma");
    }
    if (mask == 0)
        return fail(p, "signals: empty list");
    p->c->signals = mask;
    return 0;
}

static int set_key(struct parser *p, const char *key, size_t keylen,
                   const char *v)
{
    int k;
    double t;
    char *end;

    for (k = 0; k < KEY_COUNT; k++)
        if (strlen(key_names[k]) == keylen &&
            memcmp(key_names[k], key, keylen) == 0)
            break;
    if (k == KEY_COUNT)
        return fail(p,
                    "unknown key '%.*s' (known: expect, source, warmup, "
                    "iterations, time, timeout, signals)",
                    (int)keylen, key);
    if (p->seen_on[k])
        return fail(p, "%s given twice (first on line %ld)", key_names[k],
                    p->seen_on[k]);
    p->seen_on[k] = p->line;

    switch (k) {
    case KEY_EXPECT:
        if (strcmp(v, "leak") == 0)
            p->c->expect = LC_EXPECT_LEAK;
        else if (strcmp(v, "clean") == 0)
            p->c->expect = LC_EXPECT_CLEAN;
        else
            return fail(p, "expect=%s: must be leak or clean", v);
        return 0;
    case KEY_SOURCE:
        snprintf(p->c->source, sizeof(p->c->source), "%s", v);
        return 0;
    case KEY_WARMUP:
        return parse_long(p, "warmup", v, 0, LC_ITERATIONS_MAX,
                          &p->c->warmup);
    case KEY_ITERATIONS:
        return parse_long(p, "iterations", v, LC_MIN_ITERATIONS,
                          LC_ITERATIONS_MAX, &p->c->iterations);
    case KEY_TIME:
    case KEY_TIMEOUT:
        errno = 0;
        t = strtod(v, &end);
        if (*v == '\0' || *end != '\0' || errno != 0 || !(t > 0) ||
            t > 86400)
            return fail(p, "%s=%s: must be seconds in (0, 86400]",
                        key_names[k], v);
        *(k == KEY_TIME ? &p->c->time_s : &p->c->timeout_s) = t;
        return 0;
    case KEY_SIGNALS:
        return parse_signals(p, v);
    }
    return 0;
}

/* Parse the pairs of one header line, s[0..len) being the text after the
 * "leakcheck:" prefix. */
static int parse_pairs(struct parser *p, const char *s, size_t len)
{
    size_t i = 0;
    int npairs = 0;

    for (;;) {
        char value[LC_VALUE_MAX];
        size_t keystart, keylen, vlen = 0;
        int rc;

        while (i < len && is_space(s[i]))
            i++;
        if (i == len)
            break;
        keystart = i;
        while (i < len && !is_space(s[i]) && s[i] != '=')
            i++;
        keylen = i - keystart;
        if (i == len || s[i] != '=')
            return fail(p, "expected key=value, found '%.*s'", (int)keylen,
                        s + keystart);
        if (keylen == 0)
            return fail(p, "missing key before '='");
        i++; /* '=' */
        if (i < len && s[i] == '"') {
            i++;
            for (;;) {
                char ch;

                if (i == len)
                    return fail(p, "unterminated quoted value for '%.*s'",
                                (int)keylen, s + keystart);
                ch = s[i++];
                if (ch == '"')
                    break;
                if (ch == '\\') {
                    if (i == len || (s[i] != '"' && s[i] != '\\'))
                        return fail(p, "bad escape in value of '%.*s' "
                                       "(only \\\" and \\\\)",
                                    (int)keylen, s + keystart);
                    ch = s[i++];
                }
                if (ch == '\0')
                    return fail(p, "NUL byte in header");
                if (vlen + 1 >= sizeof(value))
                    return fail(p, "value of '%.*s' longer than %d bytes",
                                (int)keylen, s + keystart, LC_VALUE_MAX - 1);
                value[vlen++] = ch;
            }
            if (i < len && !is_space(s[i]))
                return fail(p, "text right after the closing quote");
        } else {
            while (i < len && !is_space(s[i])) {
                if (s[i] == '"' || s[i] == '\0')
                    return fail(p, "stray '%s' in value of '%.*s'",
                                s[i] == '"' ? "\"" : "NUL", (int)keylen,
                                s + keystart);
                if (vlen + 1 >= sizeof(value))
                    return fail(p, "value of '%.*s' longer than %d bytes",
                                (int)keylen, s + keystart, LC_VALUE_MAX - 1);
                value[vlen++] = s[i++];
            }
            if (vlen == 0)
                return fail(p, "empty value for '%.*s'", (int)keylen,
                            s + keystart);
        }
        value[vlen] = '\0';
        rc = set_key(p, s + keystart, keylen, value);
        if (rc)
            return rc;
        npairs++;
    }
    if (npairs == 0)
        return fail(p, "'# leakcheck:' line without any key=value");
    return 0;
}

int lc_case_parse_text(struct lc_case *c, const char *text, size_t len,
                       char *err, size_t errlen)
{
    struct parser p = {.c = c, .err = err, .errlen = errlen};
    size_t pos = 0;

    if (errlen)
        err[0] = '\0';
    while (pos < len) {
        const char *line = text + pos;
        const char *nl = memchr(line, '\n', len - pos);
        size_t linelen = nl ? (size_t)(nl - line) : len - pos;
        size_t i = 0;

        pos += linelen + (nl ? 1 : 0);
        p.line++;
        while (i < linelen && is_space(line[i]))
            i++;
        if (i == linelen)
            continue; /* blank */
        if (line[i] != '#')
            break; /* first line of code: the header is over */
        if (p.line > LC_HEADER_LINES_MAX)
            break;
        i++;
        while (i < linelen && is_space(line[i]))
            i++;
        if (linelen - i < strlen(PREFIX) ||
            memcmp(line + i, PREFIX, strlen(PREFIX)) != 0)
            continue; /* an ordinary comment */
        if (linelen > LC_LINE_MAX)
            return fail(&p, "header line longer than %d bytes", LC_LINE_MAX);
        i += strlen(PREFIX);
        if (parse_pairs(&p, line + i, linelen - i))
            return -LC_EHEADER;
    }
    return 0;
}

int lc_case_parse(struct lc_case *c, const char *path, char *err,
                  size_t errlen)
{
    char *buf;
    size_t len = 0;
    int fd, rc;

    lc_case_init(c, path);
    if (errlen)
        err[0] = '\0';
    if (strlen(path) >= LC_PATH_MAX) {
        snprintf(err, errlen, "%.200s...: path longer than %d bytes", path,
                 LC_PATH_MAX - 1);
        return -LC_ETOOBIG;
    }
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -LC_EIO;
    }
    buf = malloc(LC_HEADER_BYTES_MAX);
    if (!buf) {
        rc = -LC_ENOMEM;
        snprintf(err, errlen, "%s: %s", path, lc_strerror(rc));
        goto out_close;
    }
    while (len < LC_HEADER_BYTES_MAX) {
        ssize_t n = read(fd, buf + len, LC_HEADER_BYTES_MAX - len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
            rc = -LC_EIO;
            goto out_free;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    rc = lc_case_parse_text(c, buf, len, err, errlen);
out_free:
    free(buf);
out_close:
    close(fd);
    return rc;
}
