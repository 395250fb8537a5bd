#include "campaign.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The part of a line that names the leak, *len bytes of it: its C site
 * (" c=..." alone: the way in, what it keeps, types and frames vary with
 * the input), else from " types=" or " native=" on (the signals are told,
 * not compared). */
static const char *identity(const char *line, size_t *len)
{
    const char *p = strstr(line, " c="), *t = strstr(line, " types=");

    if (p && (!t || p < t)) {
        *len = 1 + strcspn(p + 1, " ");
        return p;
    }
    p = t ? t : strstr(line, " native=");
    p = p ? p : line;
    *len = strlen(p);
    return p;
}

static uint32_t fnv1a_n(const char *s, size_t n)
{
    uint32_t h = 2166136261u;

    for (size_t i = 0; i < n && s[i]; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

void lc_sig_format(char *out, size_t cap, unsigned signals, const char *rest)
{
    char body[LC_SIG_TEXT_MAX];

    if (!signals) /* a native leak: LeakSanitizer's frames only */
        snprintf(body, sizeof(body), " %s", rest);
    else
        snprintf(body, sizeof(body), " signals=%s%s%s %s",
                 signals & 1 ? "py_blocks" : "", (signals & 3) == 3 ? "," : "",
                 signals & 2 ? "py_bytes" : "", rest);
    {
        size_t n;
        const char *id = identity(body, &n);

        snprintf(out, cap, "%08x%s", (unsigned)fnv1a_n(id, n), body);
    }
}

bool lc_sig_same(const char *a, const char *b)
{
    size_t na, nb;
    const char *ia = identity(a, &na), *ib = identity(b, &nb);

    return na == nb && memcmp(ia, ib, na) == 0;
}

bool lc_sig_field(const char *line, const char *key, char *out, size_t cap)
{
    size_t k = strlen(key);

    for (const char *p = strchr(line, ' '); p; p = strchr(p + 1, ' ')) {
        if (strncmp(p + 1, key, k) == 0 && p[1 + k] == '=') {
            size_t n = strcspn(p + 2 + k, " ");

            snprintf(out, cap, "%.*s", (int)n, p + 2 + k);
            return true;
        }
    }
    if (cap)
        out[0] = '\0';
    return false;
}

void lc_sig_id(const char *line, char out[9])
{
    size_t n = 0;

    while (n < 8 && line[n] && line[n] != ' ')
        n++;
    memcpy(out, line, n);
    out[n] = '\0';
}

int lc_sigset_init(struct lc_sigset *s)
{
    s->n = 0;
    s->text = calloc(LC_SIGSET_MAX, sizeof(*s->text));
    s->seen = calloc(LC_SIGSET_MAX, sizeof(*s->seen));
    if (!s->text || !s->seen) {
        lc_sigset_release(s);
        return -1;
    }
    return 0;
}

void lc_sigset_release(struct lc_sigset *s)
{
    free(s->text);
    free(s->seen);
    s->text = NULL;
    s->seen = NULL;
    s->n = 0;
}

long lc_sigset_find(const struct lc_sigset *s, const char *line)
{
    for (size_t i = 0; i < s->n; i++)
        if (lc_sig_same(s->text[i], line))
            return (long)i;
    return -1;
}

long lc_sigset_find_id(const struct lc_sigset *s, const char *id)
{
    char have[9];

    for (size_t i = 0; i < s->n; i++) {
        lc_sig_id(s->text[i], have);
        if (strcmp(have, id) == 0)
            return (long)i;
    }
    return -1;
}

long lc_sigset_add(struct lc_sigset *s, const char *line)
{
    long i = lc_sigset_find(s, line);

    if (i >= 0)
        return i;
    if (s->n >= LC_SIGSET_MAX)
        return -1;
    snprintf(s->text[s->n], LC_SIG_TEXT_MAX, "%s", line);
    s->seen[s->n] = 0;
    return (long)s->n++;
}

long lc_sigset_load(struct lc_sigset *s, const char *path)
{
    char line[LC_SIG_TEXT_MAX + 2];
    FILE *f = fopen(path, "r");
    long n = 0;

    if (!f)
        return errno == ENOENT ? 0 : -1;
    while (fgets(line, sizeof(line), f)) {
        size_t len = strcspn(line, "\r\n");

        line[len] = '\0';
        if (!len || line[0] == '#')
            continue;
        if (lc_sigset_add(s, line) >= 0)
            n++;
    }
    fclose(f);
    return n;
}

int lc_sig_append(const char *path, const char *line)
{
    FILE *f = fopen(path, "a");
    int rc = 0;

    if (!f)
        return -1;
    if (fprintf(f, "%s\n", line) < 0)
        rc = -1;
    if (fclose(f) != 0)
        rc = -1;
    return rc;
}
