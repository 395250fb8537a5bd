/*
 * alloc.h - exact counting of what Python's allocators hold.
 *
 * lc_alloc_install() wraps the RAW, MEM and OBJ allocators currently set
 * (it never replaces them): each block gets a 16-byte prefix holding its
 * requested size, so the hooks know live blocks and live bytes per domain
 * exactly. pymalloc takes blocks over 512 bytes from the RAW allocator; a
 * thread-local depth makes such nested RAW calls count once, under the
 * domain the caller asked. RAW is called without the GIL (thread teardown),
 * so its counters are updated atomically; MEM and OBJ run with the GIL held,
 * one writer at a time, so theirs are plain relaxed loads and stores (no
 * locked instruction on the hot path: bench/hook_overhead.sh).
 *
 * The hooks also keep the malloc chunk bytes behind every RAW block, so that
 * the native heap held outside Python (OpenSSL, sqlite, ctypes) can be told
 * apart from Python's own RAW blocks (see probes.h).
 *
 * Install after Py_PreInitialize() and before Py_InitializeFromConfig(), once
 * per process. Reading never allocates.
 */
#ifndef LC_ALLOC_H
#define LC_ALLOC_H

#include <stdbool.h>
#include <stdint.h>

#include "signals.h" /* enum lc_domain */

/* A snapshot of the counters. A plain value. */
struct lc_alloc_counts {
    int64_t blocks[LC_DOMAIN_COUNT]; /* live blocks per domain */
    int64_t bytes[LC_DOMAIN_COUNT];  /* live requested bytes per domain */
    int64_t raw_chunk_bytes;         /* malloc chunk bytes of all RAW blocks,
                                        nested ones included */
};

/* > 0 while this thread is inside a hook, calling the allocator it wraps:
 * whatever malloc sees then is a Python block (py_blocks counts it, and
 * tracemalloc's own tables, which go through the RAW hook too). The native
 * sites of the explain pass (native.h) skip those. */
extern __thread int lc_alloc_inside;

/* Wrap the three allocators. mem_on_malloc: the interpreter was configured
 * with the malloc allocator (ASan builds), so MEM and OBJ blocks are malloc
 * chunks too. Returns 0, or -LC_EINTERP if already done. */
int lc_alloc_install(bool mem_on_malloc);

/* True once lc_alloc_install() succeeded in this process. */
bool lc_alloc_installed(void);

/* Read the counters; all zero before install. Never allocates. */
void lc_alloc_read(struct lc_alloc_counts *out);

/* Sum over the three domains. */
int64_t lc_alloc_blocks(const struct lc_alloc_counts *c);
int64_t lc_alloc_bytes(const struct lc_alloc_counts *c);

#endif
