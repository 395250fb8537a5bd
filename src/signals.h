/*
 * signals.h - the quantities leakcheck samples after each iteration.
 *
 * A signal is one integer level read from the process (live blocks, bytes,
 * descriptors...). The names here are the ones in headers, reports and JSON.
 */
#ifndef LC_SIGNALS_H
#define LC_SIGNALS_H

#include <stdint.h>

enum lc_signal {
    LC_SIG_PY_BLOCKS,  /* live blocks from the RAW, MEM and OBJ allocators */
    LC_SIG_PY_BYTES,   /* bytes requested by those live blocks */
    LC_SIG_NATIVE,     /* bytes of malloc heap held outside Python's allocators */
    LC_SIG_FDS,        /* open file descriptors */
    LC_SIG_THREADS,    /* live OS threads of the process */
    LC_SIG_REFS,       /* sum of reference counts over what the collector
                          reaches (refs.h) */
    LC_SIG_COUNT
};

#define LC_SIG_ALL ((1u << LC_SIG_COUNT) - 1)

/* One reading of every signal, taken at a sample point. */
struct lc_sample {
    int64_t v[LC_SIG_COUNT]; /* level of each signal, in its own unit */
};

/* "py_blocks", "py_bytes", "native_bytes", "fds", "threads". */
const char *lc_signal_name(enum lc_signal s);

/* Unit for reports: "blocks", "B", "fds", "threads". */
const char *lc_signal_unit(enum lc_signal s);

/* The signal named by the first len bytes of name, or -1. */
int lc_signal_lookup(const char *name, unsigned len);

#endif
