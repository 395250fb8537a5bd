/*
 * embed.h - start the interpreter and call a case's functions.
 *
 * One interpreter per process, started once and never finalized (each
 * init/finalize cycle leaks, and some modules refuse a second init). The
 * config is isolated (no PYTHON* variable but PYTHONPATH, whose folders go
 * before the standard library as python3.11 puts them; no user site), with
 * program_name pinned to the interpreter we build against so
 * sys.executable, sys.prefix and sys.path are Debian's. A case file is
 * loaded by path as the module "__leakcheck_case__" with its folder first
 * on sys.path; its `if __name__ == "__main__"` block does not run.
 *
 * The process is set up as `python3.11 -I` sets up its own: SIGPIPE and
 * SIGXFSZ ignored (a write to a closed pipe or past RLIMIT_FSIZE raises),
 * LC_CTYPE from the environment with a C/POSIX locale coerced to C.UTF-8
 * and UTF-8 mode on under it (PEP 538, PEP 540); Python's own SIGINT
 * handler is not installed.
 *
 * Entry points must be plain callables: a coroutine, generator or async
 * generator function, or a non-callable, is refused at load (by the code
 * object's co_flags), and a call returning a coroutine, generator or
 * awaitable is an error of that call (the coroutine closed, so no "never
 * awaited" warning), because nothing here awaits or iterates it.
 *
 * Python exceptions stop here: they become -LC_EPYTHON (-LC_ENOMEM for a
 * MemoryError: a worker's memory cap) plus the formatted traceback in the
 * caller's buffer (a lone surrogate backslash-escaped; a
 * text too long keeps its head and its tail, the last line whole, with the
 * number of bytes cut). SystemExit is such an exception too; it never
 * exits the process.
 */
#ifndef LC_EMBED_H
#define LC_EMBED_H

#include <stdbool.h>
#include <stddef.h>

struct lc_embed_opts {
    bool hooks;            /* install the counting hooks (alloc.h) */
    bool malloc_allocator; /* PYMEM_ALLOCATOR_MALLOC instead of pymalloc:
                              for ASan and LeakSanitizer */
    bool no_faulthandler;  /* leave fatal signals alone: libFuzzer installs
                              its handlers only where none is, and must, to
                              save a finding's input */
};

enum lc_entry {
    LC_ENTRY_SETUP,
    LC_ENTRY_RUN,
    LC_ENTRY_TEARDOWN,
    LC_ENTRY_FUZZ,
    LC_ENTRY_COUNT
};

struct lc_script; /* a loaded case; private */

/* Start the interpreter. -LC_EINTERP with err filled on failure, or when
 * called twice. */
int lc_embed_start(const struct lc_embed_opts *opts, char *err, size_t errlen);

/* Run source text in __main__ (tests, benchmarks). -LC_EPYTHON on error. */
int lc_embed_exec(const char *code, char *err, size_t errlen);

/* Load a case file. -LC_EPYTHON (syntax error, import error, raise at import)
 * or -LC_ENORUN, with err filled. */
int lc_script_load(const char *path, struct lc_script **out, char *err,
                   size_t errlen);

/* Whether the case defines that function. */
bool lc_script_has(const struct lc_script *s, enum lc_entry e);

/* Call setup, run or teardown with no arguments; a missing optional one is
 * a no-op. The measured path: creates nothing but what the function
 * creates. */
int lc_script_call(struct lc_script *s, enum lc_entry e, char *err,
                   size_t errlen);

/* Call fuzz(data) with data[0..size) as a bytes object. -LC_ENORUN when the
 * case defines no fuzz(); -LC_EPYTHON when it raised, err filled with the
 * traceback. With errlen 0 the exception is cleared unformatted: the fuzzer's
 * fast path, where formatting a traceback per raising input costs more than
 * the call and leaves garbage that outlives a young collection. */
int lc_script_fuzz(struct lc_script *s, const unsigned char *data, size_t size,
                   char *err, size_t errlen);

/* Turn the pending Python exception into text in err (traceback
 * included) and clear it. Returns -LC_EPYTHON. For the other doors. */
int lc_embed_take_error(char *err, size_t errlen);

/* The loaded module, for the explain pass (a PyObject *, borrowed). */
struct _object *lc_script_module(const struct lc_script *s);

void lc_script_free(struct lc_script *s);

/* Whether the cycle collector is enabled now (the case may turn it off). */
bool lc_embed_gc_enabled(void);

/* A full collection (which also empties the freelists). Callers skip it
 * when the case turned the collector off: its cycles are a real leak. */
void lc_embed_collect(void);

/* Collect the two young generations only (gc.collect(1)): the cycles a
 * call just made are young, and unlike a full collection it leaves the
 * freelists alone, whose refill after a full one reads as growth. Callers
 * skip it when the case turned the collector off. */
void lc_embed_collect_young(void);

/* Empty the type attribute cache: interpreter-internal, bounded (4096
 * entries), it holds attribute-name strings that look like slow growth.
 * No user object can live in it. */
void lc_embed_clear_internal_caches(void);

/* The interpreter's sys.executable, for checks; "" before start. */
const char *lc_embed_executable(void);

#endif
