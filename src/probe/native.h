/*
 * native.h - where the native heap's growth was allocated: the C call
 * stacks of the malloc'ed blocks that stayed, grouped, ranked by bytes per
 * iteration and symbolized. The explain pass only.
 *
 * The leakcheck program defines malloc, calloc, realloc, reallocarray,
 * free, posix_memalign, aligned_alloc and memalign itself
 * (src/probe/native_malloc.c, linked into the program only): a symbol defined
 * in the executable wins over libc's for every shared library, OpenSSL and C
 * extensions included. Each forwards to glibc's own allocator
 * (__libc_malloc and kin), so the heap, mallinfo2() and the verdict's
 * native_bytes reading are glibc's exactly as without it. Off — always,
 * except between lc_native_start() and lc_native_stop() in an explain
 * pass — each is one load of lc_native_tracking and a tail call
 * (bench/hook_overhead.sh: within noise).
 *
 * On, every block allocated gets its size and its call stack (libunwind's
 * unw_backtrace, at most LC_NATIVE_DEPTH frames) recorded in tables mmap'd
 * once at start, so tracking never takes memory from the heap it watches.
 * Blocks freed again leave the table. Not recorded: blocks allocated while
 * the thread is inside Python's own RAW allocator hook (alloc.h's
 * lc_alloc_inside: py_blocks and py_bytes count those already, tracemalloc's
 * tables among them), and anything allocated while recording (libunwind's
 * own). lc_native_stop() turns it off, groups the survivors by stack and
 * symbolizes them with libdw (names from .symtab or the dynamic symbol
 * table, file:line where DWARF exists).
 *
 * What it refuses to do: it never changes a verdict's figures (the verdict
 * workers never switch it on), never allocates from the heap while on, and
 * never runs under a sanitizer (ASan owns malloc there:
 * lc_native_available() is false).
 */
#ifndef LC_NATIVE_H
#define LC_NATIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lc_limits.h"

/* Nonzero while recording: read by the allocator functions of
 * src/probe/native_malloc.c on every call, written only by start and stop. */
extern int lc_native_tracking;

/* Set by src/probe/native_malloc.c when the program carries the allocator
 * functions (not under ASan, not in the unit tests' programs). */
extern bool lc_native_interposed;

/* What a recorded block came from: the malloc family, or Python's MEM or
 * OBJ allocator (noted by the explain pass's own hook on them,
 * src/probe/pysites.h, during its measured calls only). */
enum lc_native_kind {
    LC_NATIVE_MALLOC,
    LC_NATIVE_PY_MEM,
    LC_NATIVE_PY_OBJ,
    LC_NATIVE_KINDS
};

/* A Python-allocator block still allocated at stop. */
struct lc_native_block {
    uintptr_t ptr; /* the address Python's allocator returned */
    uint64_t size; /* requested bytes */
    int site;      /* its site in the Python report, or -1 (not shown) */
};

/* One frame of a site, symbolized. */
struct lc_native_frame {
    char function[160]; /* symbol name, or "" when no symbol covers it */
    char object[96];    /* file name of the shared object ("libssl.so.3") */
    char file[192];     /* source file from DWARF, or "" */
    int line;           /* source line, or 0 */
    uint64_t offset;    /* bytes past the symbol's start, or past the
                           object's load address when no symbol */
    uint64_t start;     /* the function's first byte, past the object's
                           load address (by its symbol, else by the unwind
                           table: static functions of a stripped library
                           too); 0 when unknown */
};

/* Survivors with one call stack. */
struct lc_native_site {
    int64_t bytes;  /* bytes still allocated at stop */
    int64_t blocks; /* blocks still allocated at stop */
    int nframes;    /* frames below, from the allocator's caller outwards */
    bool truncated; /* the stack had more frames than shown */
    struct lc_native_frame frames[LC_NATIVE_FRAMES_SHOWN];
    int nlib; /* frames in lib: 0 when the stack has no library frame */
    struct lc_native_frame lib[LC_NATIVE_LIB_FRAMES]; /* the innermost
        frame in a library (not the interpreter, libc, the program) and
        the library frames just outside it: whatever lies below */
};

/* A function of a shared library (not the interpreter, not libc) on the
 * stacks of the survivors: the bytes of every site it is on (inclusive). */
struct lc_native_func {
    int64_t bytes;  /* bytes of the survivors allocated below it */
    int64_t blocks; /* their blocks */
    int sites;      /* distinct stacks it is on */
    struct lc_native_frame frame; /* the function (file:line of one call) */
};

struct lc_native_report {
    int64_t bytes;     /* every survivor's bytes */
    int64_t blocks;    /* every survivor */
    int64_t stacks;    /* distinct stacks among them */
    int64_t untracked; /* allocations not recorded: a table was full */
    double elapsed_s;  /* grouping and symbolizing */
    int nsites;
    struct lc_native_site sites[LC_NATIVE_SITES_SHOWN]; /* largest first */
    int nfuncs;
    struct lc_native_func funcs[LC_NATIVE_FUNCS_SHOWN]; /* largest first */
};

/* True when the program carries the allocator functions. */
bool lc_native_available(void);

/* Initialise libunwind now: on first use it opens a pipe (its memory
 * validation), which an explain pass started later would count as a
 * descriptor the case opened. Call before the pass reads /proc/self/fd. */
void lc_native_prepare(void);

/* Map the tables and start recording. 0; -LC_EINTERP when unavailable or
 * already started; -LC_ENOMEM when the tables cannot be mapped. */
int lc_native_start(void);

/* lc_native_start() for Python's blocks only: no malloc family needed
 * (the leak fuzzer under ASan, where ASan owns malloc). Only what
 * src/probe/pysites.h notes is recorded. 0, -LC_EINTERP when already
 * started, -LC_ENOMEM. */
int lc_native_start_py(void);

/* Keep the symbols libdw read (and its descriptors of the files it read
 * them from) from one stop to the next, instead of reading them again at
 * every stop: for a process that stops many times (the leak fuzzer names
 * every new leak by its C site: 0.3 s a stop without it, under ASan).
 * Off by default: the explain pass stops once, and leaves no descriptor
 * of its own behind. */
void lc_native_keep_symbols(bool on);

/* Stop recording and report the survivors into *out (caller-owned).
 * 0, or -LC_EINTERP when not started. Unmaps the tables. */
int lc_native_stop(struct lc_native_report *out);

/* lc_native_stop(), with the Python-allocator blocks apart: their sites in
 * *py (frames from the allocator's caller, as for malloc's), and every
 * survivor in *blocks (malloc'd, *nblocks of them; the caller frees). */
int lc_native_stop_all(struct lc_native_report *out,
                       struct lc_native_report *py,
                       struct lc_native_block **blocks, size_t *nblocks);

/* A Python block of kind (LC_NATIVE_PY_MEM or _OBJ) was allocated, while
 * lc_native_tracking is set; lc_native_note_free() forgets it. */
void lc_native_note_py(void *p, size_t size, enum lc_native_kind kind);

/* Called by src/probe/native_malloc.c only, while lc_native_tracking is set.
 * note_alloc: p (non-NULL) was allocated with size bytes, of which base
 * existed before (a realloc of a block not tracked). note_free: p is about
 * to be freed or moved; returns true when it was tracked, with its size
 * and base. */
void lc_native_note_alloc(void *p, size_t size, size_t base);
bool lc_native_note_free(void *p, size_t *size, size_t *base);

#endif
