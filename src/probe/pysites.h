/*
 * pysites.h - C stacks of Python-allocator blocks, and what those blocks
 * are: the explain pass's view of a leak inside a C extension, and the
 * leak fuzzer's C site of one (src/fuzz/fuzzsig.h).
 *
 * lc_pysites_install() wraps Python's MEM and OBJ allocators (on top of
 * whatever is installed: the counting hooks, tracemalloc) with functions
 * that note every block and its call stack in the native sites' tables
 * (src/probe/native.h, kind LC_NATIVE_PY_MEM/OBJ) while recording is on;
 * lc_pysites_remove() unwraps them. The explain pass installs them for its
 * last measured calls only, the leak fuzzer for the calls that name a
 * leak it already confirmed: a C stack per Python allocation costs a few
 * microseconds. Never in a verdict's worker, never between two readings
 * of the fuzzer's oracle.
 *
 * lc_pysites_objects() tells what each surviving block is: a live object
 * (its type is a known class: every subclass of object, and the block is
 * big enough for it; a gc type's object follows its 16-byte PyGC_Head) or
 * a raw buffer (a PyMem_Malloc'ed array, a dict's keys). Objects come back
 * as new references, for naming by src/explain/nativesites.py.
 *
 * Python.h door: call with the GIL held.
 */
#ifndef LC_PYSITES_H
#define LC_PYSITES_H

#include <Python.h>
#include <stddef.h>

#include "native.h"

/* Wrap MEM and OBJ. 0, or -1 when already installed. */
int lc_pysites_install(void);

/* Unwrap them, unless something wrapped them since (then they stay,
 * forwarding only: they note nothing with recording off). */
void lc_pysites_remove(void);

/* [(site, object or None, bytes)] of the first `max` blocks, or NULL with
 * an exception set. */
PyObject *lc_pysites_objects(const struct lc_native_block *b, size_t n,
                             size_t max);

/* [(shared object's file name, offset in it, name)] of the C functions
 * that extension modules in sys.modules expose through method tables
 * (module functions, and the methods, tp_new, tp_init, tp_call and
 * tp_iternext of the types in their dicts): in a stripped extension,
 * where the dynamic symbol table names none of its static functions, the
 * entry point a stack enters it by can still be named. NULL with an
 * exception set. */
PyObject *lc_pysites_entry_points(void);

#endif
