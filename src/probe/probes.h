/*
 * probes.h - read every signal of this process at a sample point.
 *
 * Python blocks and bytes come from the counting hooks (alloc.h). The native
 * heap is glibc's in-use bytes (mallinfo2: arena chunks in use plus mmap'd
 * chunks) less the chunks behind Python's own RAW blocks: what C libraries
 * hold with malloc directly. glibc's per-thread cache keeps freed chunks
 * "in use" in that count, so workers run with it turned off
 * (GLIBC_TUNABLES=glibc.malloc.tcache_count=0, set by the runner).
 * Descriptors and threads are counted from /proc/self with getdents64 into a
 * stack buffer. References are summed over what the collector reaches
 * (refs.h). Each signal's reader is a row of LC_SIGNAL_MAP (signals.h).
 *
 * lc_probes_read() allocates nothing and creates no Python object.
 */
#ifndef LC_PROBES_H
#define LC_PROBES_H

#include "signals.h"

/* Fill the signals of mask (bit 1 << enum lc_signal) in *out, the others
 * 0: a signal that decides nothing is not read (the reference walk costs
 * about a full collection). */
void lc_probes_read(struct lc_sample *out, unsigned mask);

/* Open descriptors, not counting the one used to count them; -1 on error. */
long lc_probes_fds(void);

/* Live threads of this process; -1 on error. */
long lc_probes_threads(void);

/* glibc heap bytes in use (arena chunks + mmap'd chunks). */
long long lc_probes_heap_in_use(void);

#endif
