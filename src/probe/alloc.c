/* Python.h first: it sets the feature macros the C library reads. */
#include <Python.h>

#include "alloc.h"
#include <malloc.h>
#include <string.h>

#include "errors.h"

/* Keeps the returned pointer 16-byte aligned, as malloc's are. */
#define PREFIX 16

/* Counters live beside the allocator they count: one cache line, no index
 * arithmetic on the hot path. */
struct hook {
    PyMemAllocatorEx prev; /* the allocator we wrap */
    int64_t blocks;        /* live blocks */
    int64_t bytes;         /* live requested bytes */
};

static struct hook hooks[LC_DOMAIN_COUNT];
static bool installed;
static int64_t raw_chunk_bytes; /* malloc chunk bytes behind RAW blocks */

/* > 0 while this thread is inside a MEM or OBJ call: RAW calls made then are
 * pymalloc's own and must not count as blocks a second time. */
static __thread int depth;

/* > 0 while this thread calls the allocator a hook wraps (alloc.h). */
__thread int lc_alloc_inside;

/* MEM and OBJ hooks run with the GIL held (the C API requires it), so their
 * counters have one writer at a time: a plain load and store, atomic only so
 * that a reader on another thread sees whole values. No lock prefix. */
static inline void gil_add(int64_t *c, int64_t v)
{
    __atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) + v,
                     __ATOMIC_RELAXED);
}

static inline void raw_add(int64_t *c, int64_t v)
{
    __atomic_fetch_add(c, v, __ATOMIC_RELAXED);
}

/* Bytes a malloc'ed block occupies in the heap mallinfo2() reports: the
 * usable size plus glibc's size word. */
static inline int64_t chunk_bytes(void *base)
{
    return (int64_t)(malloc_usable_size(base) + sizeof(size_t));
}

/* Zero-size requests still get one byte past the prefix: a pointer to the
 * very end of a chunk looks like a leak to LeakSanitizer. */
static inline size_t padded(size_t size)
{
    return PREFIX + (size ? size : 1);
}

/* A prefixed block of nelem * elsize bytes (zeroed when zero) from the
 * wrapped allocator, its size in the prefix; NULL when too big or out of
 * memory. nest: a MEM or OBJ call, inside which pymalloc's RAW calls are
 * its own. Inlined into each hook with constant flags, so the hot path
 * keeps no branch on them. */
static inline char *take_block(struct hook *h, size_t nelem, size_t elsize,
                               bool zero, bool nest)
{
    size_t size;
    char *base;

    if (__builtin_mul_overflow(nelem, elsize, &size) ||
        size > PY_SSIZE_T_MAX - PREFIX)
        return NULL;
    depth += nest;
    lc_alloc_inside += !nest; /* pymalloc calls malloc only through RAW */
    base = zero ? h->prev.calloc(h->prev.ctx, 1, padded(size))
                : h->prev.malloc(h->prev.ctx, padded(size));
    lc_alloc_inside -= !nest;
    depth -= nest;
    if (base)
        *(size_t *)base = size;
    return base;
}

/* MEM and OBJ over pymalloc: counted here, with the GIL held. */

static inline void *py_count(struct hook *h, char *base)
{
    if (!base)
        return NULL;
    gil_add(&h->blocks, 1);
    gil_add(&h->bytes, (int64_t) * (size_t *)base);
    return base + PREFIX;
}

static void *py_malloc(void *ctx, size_t size)
{
    return py_count(ctx, take_block(ctx, 1, size, false, true));
}

static void *py_calloc(void *ctx, size_t nelem, size_t elsize)
{
    return py_count(ctx, take_block(ctx, nelem, elsize, true, true));
}

static void *py_realloc(void *ctx, void *ptr, size_t size)
{
    struct hook *h = ctx;
    char *base, *nbase;
    size_t old;

    if (!ptr)
        return py_malloc(ctx, size);
    if (size > PY_SSIZE_T_MAX - PREFIX)
        return NULL;
    base = (char *)ptr - PREFIX;
    old = *(size_t *)base;
    depth++;
    nbase = h->prev.realloc(h->prev.ctx, base, padded(size));
    depth--;
    if (!nbase)
        return NULL;
    *(size_t *)nbase = size;
    gil_add(&h->bytes, (int64_t)size - (int64_t)old);
    return nbase + PREFIX;
}

static void py_free(void *ctx, void *ptr)
{
    struct hook *h = ctx;
    char *base;

    if (!ptr)
        return;
    base = (char *)ptr - PREFIX;
    gil_add(&h->blocks, -1);
    gil_add(&h->bytes, -(int64_t) * (size_t *)base);
    depth++;
    h->prev.free(h->prev.ctx, base);
    depth--;
}

/* RAW: called without the GIL too (thread teardown), and from inside
 * pymalloc for blocks over 512 bytes (depth > 0: chunk bytes only). Over the
 * malloc allocator MEM and OBJ use these hooks as well: their blocks are
 * malloc chunks then, and nothing nests. */

static void raw_account(struct hook *h, void *base, size_t size, int sign)
{
    raw_add(&raw_chunk_bytes, sign * chunk_bytes(base));
    if (depth > 0)
        return;
    raw_add(&h->blocks, sign);
    raw_add(&h->bytes, sign * (int64_t)size);
}

static inline void *raw_count(struct hook *h, char *base)
{
    if (!base)
        return NULL;
    raw_account(h, base, *(size_t *)base, +1);
    return base + PREFIX;
}

static void *raw_malloc(void *ctx, size_t size)
{
    return raw_count(ctx, take_block(ctx, 1, size, false, false));
}

static void *raw_calloc(void *ctx, size_t nelem, size_t elsize)
{
    return raw_count(ctx, take_block(ctx, nelem, elsize, true, false));
}

static void *raw_realloc(void *ctx, void *ptr, size_t size)
{
    struct hook *h = ctx;
    char *base, *nbase;
    size_t old;
    int64_t old_chunk;

    if (!ptr)
        return raw_malloc(ctx, size);
    if (size > PY_SSIZE_T_MAX - PREFIX)
        return NULL;
    base = (char *)ptr - PREFIX;
    old = *(size_t *)base;
    old_chunk = chunk_bytes(base);
    lc_alloc_inside++;
    nbase = h->prev.realloc(h->prev.ctx, base, padded(size));
    lc_alloc_inside--;
    if (!nbase)
        return NULL;
    *(size_t *)nbase = size;
    raw_add(&raw_chunk_bytes, chunk_bytes(nbase) - old_chunk);
    if (depth == 0)
        raw_add(&h->bytes, (int64_t)size - (int64_t)old);
    return nbase + PREFIX;
}

static void raw_free(void *ctx, void *ptr)
{
    struct hook *h = ctx;
    char *base;

    if (!ptr)
        return;
    base = (char *)ptr - PREFIX;
    raw_account(h, base, *(size_t *)base, -1);
    lc_alloc_inside++;
    h->prev.free(h->prev.ctx, base);
    lc_alloc_inside--;
}

int lc_alloc_install(bool mem_on_malloc)
{
    static const PyMemAllocatorDomain domains[LC_DOMAIN_COUNT] = {
        [LC_DOMAIN_RAW] = PYMEM_DOMAIN_RAW,
        [LC_DOMAIN_MEM] = PYMEM_DOMAIN_MEM,
        [LC_DOMAIN_OBJ] = PYMEM_DOMAIN_OBJ,
    };

    if (installed)
        return -LC_EINTERP;
    for (int d = 0; d < LC_DOMAIN_COUNT; d++) {
        bool raw = d == LC_DOMAIN_RAW || mem_on_malloc;
        PyMemAllocatorEx mine = {
            .ctx = &hooks[d],
            .malloc = raw ? raw_malloc : py_malloc,
            .calloc = raw ? raw_calloc : py_calloc,
            .realloc = raw ? raw_realloc : py_realloc,
            .free = raw ? raw_free : py_free,
        };

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
        out->blocks[d] = __atomic_load_n(&hooks[d].blocks, __ATOMIC_RELAXED);
        out->bytes[d] = __atomic_load_n(&hooks[d].bytes, __ATOMIC_RELAXED);
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
