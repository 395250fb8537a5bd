/*
 * buf.h - a growable byte buffer with a maximum.
 *
 * Every buffer leakcheck grows (a worker's output, the list of cases, a
 * folder's names, a report in memory) is one of these: it grows on demand,
 * doubling, from libc (never the Python allocators), and never past the
 * maximum its owner gave, which lc_limits.h explains. Past it, calls fail
 * with -LC_ETOOBIG and leave the buffer as it was.
 */
#ifndef LC_BUF_H
#define LC_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct lc_buf {
    char *data; /* len bytes, then always a NUL (when data != NULL) */
    size_t len; /* bytes held */
    size_t cap; /* bytes data can hold, the NUL not counted */
    size_t max; /* most bytes it may ever hold */
};

/* An empty buffer that may grow to max bytes. Allocates nothing. */
void lc_buf_init(struct lc_buf *b, size_t max);

/* Room for extra more bytes. 0, -LC_ETOOBIG past max, -LC_ENOMEM. */
int lc_buf_reserve(struct lc_buf *b, size_t extra);

/* Append n bytes; 0 or the error of lc_buf_reserve. */
int lc_buf_append(struct lc_buf *b, const void *p, size_t n);

/* Append n zero bytes and return where they start, or NULL (too big or no
 * memory): for arrays of structs kept in a buffer. */
void *lc_buf_grow(struct lc_buf *b, size_t n);

/* Append formatted text; 0 or the error of lc_buf_reserve. */
int lc_buf_printf(struct lc_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Hand the bytes over: a NUL-terminated heap string the caller frees ("" when
 * empty; NULL only when even that cannot be allocated); the buffer is empty
 * after. */
char *lc_buf_take(struct lc_buf *b);

/* Forget the bytes but keep the storage. */
static inline void lc_buf_clear(struct lc_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void lc_buf_release(struct lc_buf *b);

#endif
