/*
 * native_malloc.c - the leakcheck program's own malloc family, for the
 * native sites of the explain pass (native.h says what and why).
 *
 * Linked into the leakcheck program only, never into the library (lcore):
 * a static archive member defining malloc would be pulled into every
 * program that calls malloc, the fuzz targets under ASan among them. Under
 * a sanitizer this file defines nothing: ASan's malloc is the one.
 *
 * Every function forwards to glibc's allocator (__libc_malloc and kin,
 * exported by glibc for exactly this), so the heap is glibc's whether
 * tracking is on or off. Off, each function is a load of
 * lc_native_tracking and a tail call.
 */
#include "native.h"

#include <errno.h>
#include <malloc.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define LC_NATIVE_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) ||    \
    __has_feature(memory_sanitizer)
#define LC_NATIVE_SANITIZED 1
#endif
#endif

#ifndef LC_NATIVE_SANITIZED

#include "alloc.h"

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t nelem, size_t elsize);
extern void *__libc_realloc(void *ptr, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void __libc_free(void *ptr);

__attribute__((constructor)) static void mark_interposed(void)
{
    lc_native_interposed = true;
}

/* Tracking on and the caller is not Python's RAW hook (whose blocks
 * py_blocks counts already). */
static inline bool noting(void)
{
    return __builtin_expect(
               __atomic_load_n(&lc_native_tracking, __ATOMIC_RELAXED), 0) &&
           lc_alloc_inside == 0;
}

static inline void *noted(void *p, size_t size)
{
    if (p)
        lc_native_note_alloc(p, size, 0);
    return p;
}

void *malloc(size_t size)
{
    if (!noting())
        return __libc_malloc(size);
    return noted(__libc_malloc(size), size);
}

void *calloc(size_t nelem, size_t elsize)
{
    if (!noting())
        return __libc_calloc(nelem, elsize);
    return noted(__libc_calloc(nelem, elsize), nelem * elsize);
}

void free(void *ptr)
{
    size_t size, base;

    /* Out of the table before the block can be reused by another thread. */
    if (ptr && __builtin_expect(
                   __atomic_load_n(&lc_native_tracking, __ATOMIC_RELAXED), 0))
        lc_native_note_free(ptr, &size, &base);
    __libc_free(ptr);
}

void *realloc(void *ptr, size_t size)
{
    size_t old = 0, base = 0;
    bool tracked = false, note;
    void *p;

    if (!__atomic_load_n(&lc_native_tracking, __ATOMIC_RELAXED))
        return __libc_realloc(ptr, size);
    note = lc_alloc_inside == 0;
    if (ptr) {
        tracked = lc_native_note_free(ptr, &old, &base);
        if (!tracked)
            base = malloc_usable_size(ptr); /* it existed before: its growth
                                               only is new */
    }
    p = __libc_realloc(ptr, size);
    if (!p && size) {
        if (tracked) /* the old block stays */
            lc_native_note_alloc(ptr, old, base);
        return NULL;
    }
    if (p && (note || tracked))
        lc_native_note_alloc(p, size, base);
    return p;
}

void *reallocarray(void *ptr, size_t nelem, size_t elsize)
{
    size_t size;

    if (__builtin_mul_overflow(nelem, elsize, &size)) {
        errno = ENOMEM;
        return NULL;
    }
    return realloc(ptr, size);
}

void *memalign(size_t alignment, size_t size)
{
    if (!noting())
        return __libc_memalign(alignment, size);
    return noted(__libc_memalign(alignment, size), size);
}

void *aligned_alloc(size_t alignment, size_t size)
{
    return memalign(alignment, size);
}

int posix_memalign(void **out, size_t alignment, size_t size)
{
    void *p;

    if (alignment % sizeof(void *) || (alignment & (alignment - 1)) ||
        !alignment)
        return EINVAL;
    p = memalign(alignment, size);
    if (!p)
        return ENOMEM;
    *out = p;
    return 0;
}

#endif
