/*
 * refs.h - the reference signal: a sum of reference counts that a leaked
 * reference moves by one, on the release build.
 *
 * A Py_INCREF without its Py_DECREF on an object that stays alive anyway
 * (None, a small int, an interned string, a module global) allocates
 * nothing, so no block or byte count can see it. lc_refs_total() walks the
 * collector's lists (generations 0, 1, 2 and the permanent generation) and
 * sums ob_refcnt over every gc-tracked object and over every distinct
 * object reached from them that is not tracked (untracked containers are
 * followed through their tp_traverse, code objects through their constant
 * and name tuples). Every reference to a reached object counts, whoever
 * holds it: a C extension's static, a thread's frame, the C stack.
 *
 * What it cannot see: a leaked reference to an object reached from no
 * tracked object (a string held only by code objects of a module that
 * keeps no function, the interned dict's strings, static types that no
 * tracked object names). What moves it without a leak: anything that also
 * grows blocks (a growing list holds one more reference per element); an
 * unreached object becoming reached (its whole count appears at once: a
 * step, not a trend). What does not: the reading itself (no Python object
 * is created or freed, no reference taken; an object counted is marked in
 * its own count while the reading lasts, and unmarked before it returns),
 * the collector (read after a collection, nothing held), freelists (their
 * objects are unreferenced).
 *
 * The reading's lists (the untracked objects it marked, the containers
 * still to traverse) live in memory mapped with mmap(2), kept between
 * readings and grown with mremap(2): the reading allocates nothing through
 * Python's allocators and does not move mallinfo2(). Call with the GIL held,
 * from C with no Python frame of the case running.
 */
#ifndef LC_REFS_H
#define LC_REFS_H

#include <stddef.h>
#include <stdint.h>

/* The sum, or 0 when the interpreter is not running; -1 when its lists
 * could not be mapped (out of memory). */
int64_t lc_refs_total(void);

/* Call fn(op, ctx) once for every object the sum counts (op a PyObject *;
 * fn must not create, free or take a reference to any object), after a
 * reading made for it. 0, or -1 when the interpreter is not running or the
 * reading's lists could not be mapped. For the explain pass (which objects'
 * counts grew, src/explain/refgrowth.h); never on a verdict's path. */
int lc_refs_each(void (*fn)(void *op, void *ctx), void *ctx);

/* The names CPython's type attribute cache holds a reference to, one per
 * entry (a str, or None for an empty entry: 4096 entries in 3.11), into
 * out[0..max); returns how many. Its entries change with every attribute
 * lookup, so an object's count less these is what the program holds. For
 * the explain pass, as lc_refs_each. */
size_t lc_refs_type_cache_names(void **out, size_t max);

/* The debug interpreter's own total (sys.gettotalrefcount(),
 * _Py_GetRefTotal()): every Py_INCREF/Py_DECREF compiled with Py_REF_DEBUG
 * moves it, so it sees references to objects nothing reached holds; but
 * extensions built for the release ABI never move it (README.md, "Debug
 * CPython"). -1 on a release build. */
int64_t lc_refs_debug_total(void);

/* Objects counted by the last reading, tracked and untracked (for
 * benchmarks and tests). */
int64_t lc_refs_last_objects(void);

/* Unmap the reading's lists (tests; the worker keeps them until exit). */
void lc_refs_release(void);

#endif
