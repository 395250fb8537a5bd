#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"

void lc_buf_init(struct lc_buf *b, size_t max)
{
    b->data = NULL;
    b->len = b->cap = 0;
    b->max = max;
}

int lc_buf_reserve(struct lc_buf *b, size_t extra)
{
    size_t cap;
    char *p;

    if (extra > b->max - b->len)
        return -LC_ETOOBIG;
    if (b->len + extra <= b->cap && b->data)
        return 0;
    cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra)
        cap *= 2;
    if (cap > b->max)
        cap = b->max;
    p = realloc(b->data, cap + 1);
    if (!p)
        return -LC_ENOMEM;
    b->data = p;
    b->cap = cap;
    b->data[b->len] = '\0';
    return 0;
}

int lc_buf_append(struct lc_buf *b, const void *p, size_t n)
{
    int rc = lc_buf_reserve(b, n);

    if (rc)
        return rc;
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

void *lc_buf_grow(struct lc_buf *b, size_t n)
{
    char *at;

    if (lc_buf_reserve(b, n))
        return NULL;
    at = b->data + b->len;
    memset(at, 0, n);
    b->len += n;
    b->data[b->len] = '\0';
    return at;
}

int lc_buf_printf(struct lc_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n, rc;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return -LC_EIO;
    rc = lc_buf_reserve(b, (size_t)n);
    if (rc)
        return rc;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

char *lc_buf_take(struct lc_buf *b)
{
    char *s = b->data ? b->data : strdup("");

    lc_buf_init(b, b->max);
    return s ? s : calloc(1, 1);
}

void lc_buf_release(struct lc_buf *b)
{
    free(b->data);
    lc_buf_init(b, b->max);
}
