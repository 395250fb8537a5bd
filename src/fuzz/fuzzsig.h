/*
 * fuzzsig.h - the leak fuzzer's second door into the interpreter: the
 * signature of a leak, and the input of a regression case.
 *
 * A signature names a leak by what it keeps, so that one campaign reports
 * each distinct leak once (campaign.h keeps the set). It is computed in
 * the fuzzer's process, on an input the oracle already saw grow, by extra
 * calls of fuzz(data) with that input:
 *
 *   c       the C site, first: as many calls with Python's MEM and OBJ
 *           blocks recorded with their C stacks (src/probe/pysites.h and
 *           native.h, the explain pass's recorder: lc_native_start_py, as
 *           the fuzzer under ASan has no malloc of its own). Of the blocks
 *           that stayed, those with a library frame on their stack (an
 *           extension: not the interpreter, libc or the program) are
 *           counted for their innermost library function (named by its
 *           symbol, else, in a stripped library, by the offset of its
 *           first byte from the unwind table, with the named function or
 *           method-table entry it was reached by as via=), even when
 *           Python code it called made the block (an ext_hook's object).
 *           The function that kept the most blocks, if at least
 *           LC_FUZZSIG_MIN_GROWTH, is the C site, and what its blocks are
 *           (type, or a raw buffer and its size, per call) is keeps=.
 *           When there is one, it alone names the leak (campaign.h): the
 *           types and frames below vary with the input of one error path
 *           of a C parser (lists on one input, a str key on another),
 *           its C function does not. A leak of Python code has none.
 *   types   a census of the collector's objects by type (gc.get_objects)
 *           before and after `calls` calls (LC_FUZZSIG_CALLS for a sparse
 *           leak, half as many for one that grew on every call): the
 *           types whose count
 *           rose by at least LC_FUZZSIG_MIN_GROWTH. Only gc-tracked types
 *           are seen (a list of bytes shows as list).
 *   frames  tracemalloc on as many more calls: the allocation site
 *           (innermost Python frame, file base name and line) that kept
 *           the most blocks (then bytes), if it kept at least
 *           LC_FUZZSIG_MIN_GROWTH; LC_FUZZSIG_FRAMES sites at most. One
 *           site, because the others vary with the input (the same leak
 *           keeping a slice of the input or an empty one). A leak made in
 *           C is seen at the
 *           Python line that called into it; native frames are not part
 *           of it.
 *
 * All three are expensive (tracemalloc: 5 to 10 times slower; the census
 * walks every tracked object; a C stack per block, and symbols for the
 * stacks that stayed: about 40 ms a signature under ASan on msgpack) and
 * allocate: they run only on inputs that already grew on every call,
 * after the oracle's readings, and what they allocate is freed before the
 * next reading.
 *
 * The text is "[c=F@obj via=G keeps=K ]types=A,B frames=f.py:12,g.py:3"
 * ("-" for an empty list); campaign.h adds the signals and the id.
 */
#ifndef LC_FUZZSIG_H
#define LC_FUZZSIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "embed.h"

/* Calls per part: 16 sees a leak of one call in 8 twice. */
#define LC_FUZZSIG_CALLS 16
/* A type or a site counts when it grew this much over the calls: a cache
 * filled once (one more dict) is not part of a leak's name. */
#define LC_FUZZSIG_MIN_GROWTH 2
/* Allocation sites kept in a signature. */
#define LC_FUZZSIG_FRAMES 1

/* Compile the helper (once, at start-up, before any reading). 0 or
 * -LC_EPYTHON with err filled. */
int lc_fuzzsig_init(struct lc_script *s, char *err, size_t errlen);

/* The types and frames part of the signature of data's leak, into out
 * (NUL-terminated, cut at cap). 0 or -LC_EPYTHON with out describing the
 * failure. */
int lc_fuzzsig_compute(const uint8_t *data, size_t size, int calls, char *out,
                       size_t cap);

/* Whether signatures look for a C site (on by default; off: the
 * signature before C sites, for benchmarks). */
void lc_fuzzsig_csite(bool on);

/* The DATA bytes literal of a case `leakcheck repro` wrote, read without
 * running the file (ast). *data is malloc'd, the caller frees it. 0, or
 * -LC_EINPUT with err filled. */
int lc_fuzzsig_case_input(const char *path, uint8_t **data, size_t *size,
                          char *err, size_t errlen);

#endif
