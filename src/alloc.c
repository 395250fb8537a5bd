/* Python.h first: it sets the feature macros the C library reads. */
#include <Python.h>

#include "alloc.h"
#include <malloc.h>
#include <string.h>

#include "errors.h"

/* Keeps the returned pointer 16-byte aligned, as malloc's are. */
#define PREFIX 16

struct hook {
    PyMemAllocatorEx prev; /* the allocator we wrap */
    enum lc_domain domain;
};

static struct hook hooks[LC_DOMAIN_COUNT];
static bool installed;

static int64_t live_blocks[LC_DOMAIN_COUNT];
static int64_t live_bytes[LC_DOMAIN_COUNT];
static int64_t raw_chunk_bytes;

/* > 0 while this thread is inside a MEM or OBJ call: RAW calls made then are
 * pymalloc's own and must not count as blocks a second time. */
static __thread int depth;

static void add(int64_t *counter, int64_t v)
{
    __atomic_fetch_add(counter, v, __ATOMIC_RELAXED);
}

/* Bytes a malloc'ed block occupies in the heap mallinfo2() reports: the
 * usable size plus glibc's size word. Only meaningful for RAW blocks, which
 * come from malloc. */
static int64_t chunk_bytes(void *base)
{
    return (int64_t)(malloc_usable_size(base) + sizeof(size_t));
}

static void account(struct hook *h, void *base, size_t size, int sign)
{
    if (h->domain == LC_DOMAIN_RAW) {
        add(&raw_chunk_bytes, sign * chunk_bytes(base));
        if (depth > 0)
            return;
    }
    add(&live_blocks[h->domain], sign);
    add(&live_bytes[h->domain], sign * (int64_t)size);
}

static void enter(struct hook *h)
{
    if (h->domain != LC_DOMAIN_RAW)
        depth++;
}

static void leave(struct hook *h)
{
    if (h->domain != LC_DOMAIN_RAW)
        depth--;
}

/* Zero-size requests still get one byte past the prefix: a pointer to the
 * very end of a chunk looks like a leak to LeakSanitizer. */
static size_t padded(size_t size)
{
    return PREFIX + (size ? size : 1);
}

static void *hook_malloc(void *ctx, size_t size)
{
    struct hook *h = ctx;
    char *base;

    if (size > PY_SSIZE_T_MAX - PREFIX)
        return NULL;
    enter(h);
    base = h->prev.malloc(h->prev.ctx, padded(size));
    leave(h);
    if (!base)
        return NULL;
    *(size_t *)base = size;
    account(h, base, size, +1);
    return base + PREFIX;
}

static void *hook_calloc(void *ctx, size_t nelem, size_t elsize)
{
    struct hook *h = ctx;
    size_t size;
    char *base;

    if (elsize != 0 && nelem > (PY_SSIZE_T_MAX - PREFIX) / elsize)
        return NULL;
    size = nelem * elsize;
    enter(h);
    base = h->prev.calloc(h->prev.ctx, 1, padded(size));
    leave(h);
    if (!base)
        return NULL;
    *(size_t *)base = size;
    account(h, base, size, +1);
    return base + PREFIX;
}

static void *hook_realloc(void *ctx, void *ptr, size_t size)
{
    struct hook *h = ctx;
    char *base, *nbase;
    size_t old;
    int64_t old_chunk = 0;

    if (!ptr)
        return hook_malloc(ctx, size);
    if (size > PY_SSIZE_T_MAX - PREFIX)
        return NULL;
    base = (char *)ptr - PREFIX;
    old = *(size_t *)base;
    if (h->domain == LC_DOMAIN_RAW)
        old_chunk = chunk_bytes(base);
    enter(h);
    nbase = h->prev.realloc(h->prev.ctx, base, padded(size));
    leave(h);
    if (!nbase)
        return NULL;
    *(size_t *)nbase = size;
    if (h->domain == LC_DOMAIN_RAW)
        add(&raw_chunk_bytes, chunk_bytes(nbase) - old_chunk);
    if (h->domain != LC_DOMAIN_RAW || depth == 0)
        add(&live_bytes[h->domain], (int64_t)size - (int64_t)old);
    return nbase + PREFIX;
}

static void hook_free(void *ctx, void *ptr)
{
    struct hook *h = ctx;
    char *base;

    if (!ptr)
        return;
    base = (char *)ptr - PREFIX;
    account(h, base, *(size_t *)base, -1);
    enter(h);
    h->prev.free(h->prev.ctx, base);
    leave(h);
}

int lc_alloc_install(void)
{
    static const PyMemAllocatorDomain domains[LC_DOMAIN_COUNT] = {
        [LC_DOMAIN_RAW] = PYMEM_DOMAIN_RAW,
        [LC_DOMAIN_MEM] = PYMEM_DOMAIN_MEM,
        [LC_DOMAIN_OBJ] = PYMEM_DOMAIN_OBJ,
    };

    if (installed)
        return -LC_EINTERP;
    for (int d = 0; d < LC_DOMAIN_COUNT; d++) {
        PyMemAllocatorEx mine = {
            .ctx = &hooks[d],
            .malloc = hook_malloc,
            .calloc = hook_calloc,
            .realloc = hook_realloc,
            .free = hook_free,
        };

        hooks[d].domain = (enum lc_domain)d;
        PyMem_GetAllocator(domains[d], &hooks[d].prev);
        PyMem_SetAllocator(domains[d], &mine);
    }
    installed = true;
    return 0;
}

bool lc_alloc_installed(void)
{
    return installed;
}

void lc_alloc_read(struct lc_alloc_counts *out)
{
    for (int d = 0; d < LC_DOMAIN_COUNT; d++) {
        out->blocks[d] = __atomic_load_n(&live_blocks[d], __ATOMIC_RELAXED);
        out->bytes[d] = __atomic_load_n(&live_bytes[d], __ATOMIC_RELAXED);
    }
    out->raw_chunk_bytes = __atomic_load_n(&raw_chunk_bytes, __ATOMIC_RELAXED);
}

int64_t lc_alloc_blocks(const struct lc_alloc_counts *c)
{
    return c->blocks[0] + c->blocks[1] + c->blocks[2];
}

int64_t lc_alloc_bytes(const struct lc_alloc_counts *c)
{
    return c->bytes[0] + c->bytes[1] + c->bytes[2];
}
