/*
 * explain.h - why a case grows: what grew, where it was allocated, who holds
 * it, in a pass of its own.
 *
 * The explanation never changes a verdict's figures: it runs in a separate
 * worker process, after the verdict, with tracemalloc and gc.get_objects()
 * (expensive, and allocating) confined to it. The analysis is Python
 * (src/explain.py, built into the program); this module starts it, runs the
 * case's iterations between its begin() and finish(), measures the native
 * heap around them, and hands back two texts: a JSON object and a report for
 * people.
 *
 * Worker command line: __explain WARMUP ITERATIONS DEPTH GROWTH NATIVE DOT
 * PATH, where GROWTH is "signal=rate,..." (what the verdict found) or "-",
 * NATIVE the verdict's native heap growth per iteration (the explain pass
 * cannot measure it: tracemalloc's own tables are native memory), and DOT
 * the Graphviz file to write or "-". The output on descriptor 3 is two
 * records, each a 4-byte length then the bytes: JSON, then text.
 */
#ifndef LC_EXPLAIN_H
#define LC_EXPLAIN_H

#include <stddef.h>

#include "case.h"
#include "result.h"

struct lc_explain_opts {
    long iterations;      /* run() calls between the two snapshots */
    int depth;            /* frames per allocation traceback */
    const char *dot_path; /* DOT file of the holder chains, or NULL */
};

#define LC_EXPLAIN_DEFAULT_ITERATIONS 100
#define LC_EXPLAIN_DEFAULT_DEPTH 8
/* Wall time for one explain pass: warm-up, iterations, and the holder search
 * (which bounds itself at 10 s). */
#define LC_EXPLAIN_TIMEOUT_S 120.0

/* The worker side; argv after "__explain". Returns the exit code. */
int lc_explain_worker_main(int argc, char **argv);

/* Arguments for the worker, written into argv[0..7) from buffers the caller
 * owns (growth_buf of LC_GROWTH_ARG_MAX bytes, num_bufs 4 x 32 bytes). */
#define LC_GROWTH_ARG_MAX 256
#define LC_EXPLAIN_ARGC 7
void lc_explain_args(const struct lc_case *c, const struct lc_result *r,
                     const struct lc_explain_opts *o, char *growth_buf,
                     char num_bufs[4][32], const char *argv[LC_EXPLAIN_ARGC]);

/* Split a worker's output buf[0..len) into its JSON and text records, as
 * NUL-terminated heap copies. Returns 0 or -LC_EIO if malformed. */
int lc_explain_parse(const char *buf, size_t len, char **json, char **text);

#endif
