/*
 * signals.h - the quantities leakcheck samples after each iteration.
 *
 * A signal is one integer level read from the process (live blocks, bytes,
 * descriptors...). LC_SIGNAL_MAP is the one table of them: adding a signal
 * is one row here plus its reader in probes.c. Each row gives
 *
 *   ID        the enum lc_signal constant, LC_SIG_<ID>
 *   name      the name in headers (signals=), reports and JSON
 *   unit      the unit reports print after a rate
 *   floor     least growth per iteration that counts: 0 for exact counters,
 *             a noise floor for a reading that moves without a leak
 *   horizon   iterations of growth that make a leak at the most (0: the
 *             case's iteration bound); scarce resources decide early
 *   costly    1 when a reading costs about a full collection or more: it
 *             is skipped (its last level kept) while another deciding
 *             signal is growing, since that one carries the verdict
 *             (measure.h); the others are LC_SIG_CHEAP
 *   fuzz      1 when the leak fuzzer's oracle judges it (harness/
 *             fuzz_scenario.c): the native heap moves with ASan's own
 *             bookkeeping under the fuzzer, so it is left to LeakSanitizer
 *   memory    1 when it is memory a case grows into its cap with
 *             (worker/verdict.c): LC_SIG_MEMORY
 *   reader    the function of probes.c that reads the level
 *
 * The floors and horizons were measured: glibc's own bookkeeping moves the
 * native heap by a few words as arenas and bins change (32 B/iteration is
 * above it); a pool of descriptors or threads fills within tens of
 * iterations, and a leak of one per iteration must be stopped well before
 * the process runs out (ulimit -n is often 1024).
 */
#ifndef LC_SIGNALS_H
#define LC_SIGNALS_H

#include <stdint.h>

// clang-format off
#define LC_SIGNAL_MAP(X)                                                      \
    /* live blocks from the RAW, MEM and OBJ allocators */                    \
    X(PY_BLOCKS, "py_blocks",    "blocks",  0.0,  0,   0, 1, 1, read_py_blocks)  \
    /* bytes requested by those live blocks */                                \
    X(PY_BYTES,  "py_bytes",     "B",       0.0,  0,   0, 1, 1, read_py_bytes)   \
    /* bytes of malloc heap held outside Python's allocators */               \
    X(NATIVE,    "native_bytes", "B",       32.0, 0,   0, 0, 1, read_native_bytes) \
    /* open file descriptors */                                               \
    X(FDS,       "fds",          "fds",     0.0,  128, 0, 1, 0, read_fds)        \
    /* live OS threads of the process */                                      \
    X(THREADS,   "threads",      "threads", 0.0,  128, 0, 1, 0, read_threads)    \
    /* references held to what the collector reaches (refs.h): a leaked       \
     * reference to an object that stays alive, no new memory */              \
    X(REFS,      "refs",         "refs",    0.0,  0,   1, 1, 0, read_refs)
// clang-format on

enum lc_signal {
#define LC_SIG_ENUM(id, name, unit, floor, horizon, costly, fuzz, memory,     \
                    reader)                                                   \
    LC_SIG_##id,
    LC_SIGNAL_MAP(LC_SIG_ENUM)
#undef LC_SIG_ENUM
        LC_SIG_COUNT
};

#define LC_SIG_ALL ((1u << LC_SIG_COUNT) - 1)

/* Sets of signals made from the table's columns: a bit (1 << enum
 * lc_signal) per signal. */
#define LC_SIG_BIT_IF(col, id) ((col) ? 1u << LC_SIG_##id : 0u)
#define LC_SIG_COSTLY_BIT(id, name, unit, floor, horizon, costly, fuzz,       \
                          memory, reader)                                     \
    | LC_SIG_BIT_IF(costly, id)
#define LC_SIG_FUZZ_BIT(id, name, unit, floor, horizon, costly, fuzz, memory, \
                        reader)                                               \
    | LC_SIG_BIT_IF(fuzz, id)
#define LC_SIG_MEMORY_BIT(id, name, unit, floor, horizon, costly, fuzz,       \
                          memory, reader)                                     \
    | LC_SIG_BIT_IF(memory, id)
/* Read at every sample point, at about no cost. */
#define LC_SIG_CHEAP (LC_SIG_ALL & ~(0u LC_SIGNAL_MAP(LC_SIG_COSTLY_BIT)))
/* What the leak fuzzer's oracle judges. */
#define LC_SIG_FUZZ (0u LC_SIGNAL_MAP(LC_SIG_FUZZ_BIT))
/* Memory a case can grow into its cap with. */
#define LC_SIG_MEMORY (0u LC_SIGNAL_MAP(LC_SIG_MEMORY_BIT))

/* Every signal's name, for messages: "py_blocks, py_bytes, ..., refs". */
#define LC_SIG_NAME_ITEM(id, name, unit, floor, horizon, costly, fuzz,        \
                         memory, reader)                                      \
    ", " name
#define LC_SIG_NAMES (LC_SIGNAL_MAP(LC_SIG_NAME_ITEM) + 2)

/* What the table says of one signal. A plain value. */
struct lc_signal_info {
    const char *name; /* "py_blocks", "native_bytes", ... */
    const char *unit; /* "blocks", "B", "fds", "threads" */
    double min_rate;  /* noise floor, unit per iteration */
    long max_horizon; /* iterations of growth that make a leak; 0: the
                         case's bound */
    int costly;       /* skipped while another signal grows */
};

/* One reading of every signal, taken at a sample point. */
struct lc_sample {
    int64_t v[LC_SIG_COUNT]; /* level of each signal, in its own unit */
};

/* The table's row for s; a row of empty strings for an unknown s. */
const struct lc_signal_info *lc_signal_info(enum lc_signal s);

/* The row's name and unit, for reports. */
const char *lc_signal_name(enum lc_signal s);
const char *lc_signal_unit(enum lc_signal s);

/* The signal named by the first len bytes of name, or -1. */
int lc_signal_lookup(const char *name, unsigned len);

/* The allocator domains Python blocks live in (PyMem_SetAllocator's RAW,
 * MEM and OBJ), counted apart by the hooks (alloc.h) and reported apart
 * (result.h, struct lc_domain_growth). */
enum lc_domain {
    LC_DOMAIN_RAW,
    LC_DOMAIN_MEM,
    LC_DOMAIN_OBJ,
    LC_DOMAIN_COUNT
};

#endif
