#include "case.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
    KEY_MEMORY,
    KEY_COUNT
};

static const char *const key_names[KEY_COUNT] = {
    "expect", "source",  "warmup",  "iterations",
    "time",   "timeout", "signals", "memory",
};

struct parser {
    struct lc_case *c;
    char *err;
    size_t errlen;
    long line;               /* 1-based line number being parsed */
    long seen_on[KEY_COUNT]; /* line where each key was set, 0 if not yet */
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

LC_NAMES_DEFINE(lc_expect, enum lc_expect, LC_EXPECT_COUNT, LC_EXPECT_MAP)

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
                        "signals: unknown signal '%.*s' (known: %s, or all)",
                        (int)len, s, LC_SIG_NAMES);
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
                    "iterations, time, timeout, signals, memory)",
                    (int)keylen, key);
    if (p->seen_on[k])
        return fail(p, "%s given twice (first on line %ld)", key_names[k],
                    p->seen_on[k]);
    p->seen_on[k] = p->line;

    switch (k) {
    case KEY_EXPECT:
        if (lc_expect_lookup(v) < 0)
            return fail(p, "expect=%s: must be leak or clean", v);
        p->c->expect = (enum lc_expect)lc_expect_lookup(v);
        return 0;
    case KEY_SOURCE:
        snprintf(p->c->source, sizeof(p->c->source), "%s", v);
        return 0;
    case KEY_WARMUP:
        return parse_long(p, "warmup", v, 0, LC_ITERATIONS_MAX, &p->c->warmup);
    case KEY_ITERATIONS:
        return parse_long(p, "iterations", v, LC_MIN_ITERATIONS,
                          LC_ITERATIONS_MAX, &p->c->iterations);
    case KEY_TIME:
    case KEY_TIMEOUT:
        errno = 0;
        t = strtod(v, &end);
        if (*v == '\0' || *end != '\0' || errno != 0 || !(t > 0) || t > 86400)
            return fail(p, "%s=%s: must be seconds in (0, 86400]",
                        key_names[k], v);
        *(k == KEY_TIME ? &p->c->time_s : &p->c->timeout_s) = t;
        return 0;
    case KEY_SIGNALS:
        return parse_signals(p, v);
    case KEY_MEMORY:
        if (lc_case_parse_memory(v, &p->c->memory_mib) < 0)
            return fail(p,
                        "memory=%s: must be MiB (or with M or G) from %d "
                        "to %d",
                        v, LC_MEMORY_MIN_MIB, LC_MEMORY_MAX_MIB);
        return 0;
    }
    return 0;
}

int lc_case_parse_memory(const char *v, long *mib)
{
    char *end;
    long n;

    errno = 0;
    n = strtol(v, &end, 10);
    if (end == v || errno)
        return -LC_EHEADER;
    if ((*end == 'G' || *end == 'g') && end[1] == '\0' &&
        n <= LC_MEMORY_MAX_MIB / 1024)
        n *= 1024;
    else if (!(*end == '\0' || ((*end == 'M' || *end == 'm') && !end[1])))
        return -LC_EHEADER;
    if (n < LC_MEMORY_MIN_MIB || n > LC_MEMORY_MAX_MIB)
        return -LC_EHEADER;
    *mib = n;
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
                        return fail(p,
                                    "bad escape in value of '%.*s' "
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

enum line_kind {
    LINE_COMMENT,   /* an ordinary comment */
    LINE_HEADER,    /* "# leakcheck: ..." */
    LINE_LOOKALIKE, /* meant as one, but not spelled so: "# LeakCheck:" */
};

static bool is_letter(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static char lower(char ch)
{
    return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
}

/* Whether s[0..len) starts with word, letters compared ignoring case;
 * *at is moved past it. */
static bool take_word(const char *s, size_t len, size_t *at, const char *word)
{
    size_t i = *at;

    for (; *word; word++, i++)
        if (i >= len || lower(s[i]) != *word)
            return false;
    *at = i;
    return true;
}

/* What the comment s[0..len) (the text after its '#') is. A lookalike is
 * "leak check" in any case, spelled with or without '-', '_' or a space,
 * followed by ':' or '=' after optional blanks, or by a known key and '='
 * ("# leakcheck expect=leak"): a line a writer meant as a header, which
 * ignoring would change what the case is checked for without a word. */
static enum line_kind classify_comment(const char *s, size_t len)
{
    size_t i = 0, k;

    while (i < len && is_space(s[i]))
        i++;
    if (len - i >= strlen(PREFIX) &&
        memcmp(s + i, PREFIX, strlen(PREFIX)) == 0)
        return LINE_HEADER;
    if (!take_word(s, len, &i, "leak"))
        return LINE_COMMENT;
    if (i < len && (s[i] == '-' || s[i] == '_' || s[i] == ' '))
        i++;
    if (!take_word(s, len, &i, "check"))
        return LINE_COMMENT;
    if (i < len && is_letter(s[i]))
        return LINE_COMMENT; /* "leakchecker", "leakchecks" */
    while (i < len && is_space(s[i]))
        i++;
    if (i < len && (s[i] == ':' || s[i] == '='))
        return LINE_LOOKALIKE;
    for (k = 0; k < KEY_COUNT; k++) {
        size_t j = i;

        if (take_word(s, len, &j, key_names[k]) && j < len && s[j] == '=')
            return LINE_LOOKALIKE;
    }
    return LINE_COMMENT;
}

/* What ends the header, for messages: a docstring or a line of code. */
static const char *what_ends(const char *line, size_t len)
{
    size_t i = 0;

    while (i < len && i < 2 && strchr("rRuUbBfF", line[i]) && line[i])
        i++;
    return i < len && (line[i] == '"' || line[i] == '\'') ? "the docstring"
                                                          : "code";
}

int lc_case_parse_text(struct lc_case *c, const char *text, size_t len,
                       char *err, size_t errlen)
{
    struct parser p = {.c = c, .err = err, .errlen = errlen};
    size_t pos = 0;
    long ended_on = 0;      /* line that ended the header block, 0 if none */
    const char *ended = ""; /* what it was */

    if (errlen)
        err[0] = '\0';
    /* Python skips a UTF-8 byte order mark; a header behind one counts. */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        pos = 3;
    while (pos < len) {
        const char *line = text + pos;
        const char *nl = memchr(line, '\n', len - pos);
        size_t linelen = nl ? (size_t)(nl - line) : len - pos;
        size_t i = 0;
        enum line_kind kind;

        pos += linelen + (nl ? 1 : 0);
        p.line++;
        while (i < linelen && is_space(line[i]))
            i++;
        if (i == linelen)
            continue; /* blank */
        if (line[i] != '#') {
            if (!ended_on) { /* first line of code: the header is over */
                ended_on = p.line;
                ended = what_ends(line + i, linelen - i);
            }
            continue;
        }
        /* Every comment line of the file is looked at: a header line
         * anywhere but the leading block, or misspelled, is an error. */
        kind = classify_comment(line + i + 1, linelen - i - 1);
        if (kind == LINE_COMMENT)
            continue;
        if (kind == LINE_LOOKALIKE)
            return fail(&p,
                        "'%.*s' looks like a header line but is not "
                        "spelled as one: write '# leakcheck: key=value' "
                        "(lower case, a colon right after the word), or "
                        "reword the comment",
                        (int)(linelen - i < 40 ? linelen - i : 40), line + i);
        if (ended_on)
            return fail(&p,
                        "header line after %s (line %ld), where it would be "
                        "ignored: move it into the comment block at the "
                        "top of the file, before any docstring or code",
                        ended, ended_on);
        if (p.line > LC_HEADER_LINES_MAX)
            return fail(&p,
                        "header line past line %d of the leading comment "
                        "block: move it into the first %d lines",
                        LC_HEADER_LINES_MAX, LC_HEADER_LINES_MAX);
        if (linelen > LC_LINE_MAX)
            return fail(&p, "header line longer than %d bytes", LC_LINE_MAX);
        i++;
        while (i < linelen && is_space(line[i]))
            i++;
        i += strlen(PREFIX);
        if (parse_pairs(&p, line + i, linelen - i))
            return -LC_EHEADER;
    }
    return 0;
}

/* Read the whole of the open regular file fd (at most LC_CASE_SCAN_MAX
 * bytes) into a heap buffer. */
static int read_all(int fd, const char *path, off_t size, char **out,
                    size_t *outlen, char *err, size_t errlen)
{
    size_t cap = (size_t)size + 1, len = 0; /* +1: sees growth, and EOF */
    char *buf = malloc(cap);

    if (!buf) {
        snprintf(err, errlen, "%s: %s", path, lc_strerror(-LC_ENOMEM));
        return -LC_ENOMEM;
    }
    while (len < cap) {
        ssize_t n = read(fd, buf + len, cap - len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
            free(buf);
            return -LC_EIO;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    *out = buf;
    *outlen = len < LC_CASE_SCAN_MAX ? len : LC_CASE_SCAN_MAX;
    return 0;
}

int lc_case_parse(struct lc_case *c, const char *path, char *err,
                  size_t errlen)
{
    struct stat st;
    char *buf = NULL;
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
    /* O_NONBLOCK: a FIFO named x.py opens at once instead of waiting for a
     * writer forever, and is then refused as not a regular file. */
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -LC_EIO;
    }
    if (fstat(fd, &st) < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        rc = -LC_EIO;
        goto out_close;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen,
                 "%s: not a regular file (%s): a case must be "
                 "a Python source file",
                 path, lc_case_file_kind(st.st_mode));
        rc = -LC_EIO;
        goto out_close;
    }
    if (st.st_size > LC_CASE_SCAN_MAX) {
        snprintf(err, errlen,
                 "%s: %lld bytes, more than the %d a case file "
                 "may have (every line is checked for misplaced header "
                 "lines)",
                 path, (long long)st.st_size, LC_CASE_SCAN_MAX);
        rc = -LC_ETOOBIG;
        goto out_close;
    }
    rc = read_all(fd, path, st.st_size, &buf, &len, err, errlen);
    if (rc == 0)
        rc = lc_case_parse_text(c, buf, len, err, errlen);
    free(buf);
out_close:
    close(fd);
    return rc;
}

const char *lc_case_file_kind(unsigned mode)
{
    if (S_ISDIR(mode))
        return "a folder";
    if (S_ISFIFO(mode))
        return "a FIFO";
    if (S_ISSOCK(mode))
        return "a socket";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    if (S_ISLNK(mode))
        return "a symbolic link";
    return S_ISREG(mode) ? "a regular file" : "not a file";
}
