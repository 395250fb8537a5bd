/*
 * refgrowth.h - which objects' reference counts grew: the C half of
 * src/explain/refgrowth.py (which says why and what it then does with
 * them), as the builtin module _leakcheck_refs:
 *
 *   snapshot() -> None      record the address, type and reference count
 *                           of every object the refs signal counts
 *                           (src/probe/refs.h)
 *   grown(floor, limit) -> [(object, gain)]
 *                           the objects seen both times (same address,
 *                           same type) whose count rose by at least floor,
 *                           at most limit of them, largest gain first;
 *                           forgets the snapshot
 *
 *   attribute_start(objects) / attribute_stop() -> [(kind, name, code,
 *                           where, (net, ...))]
 *                           between them, a C profile and trace function
 *                           (c_call/c_return, and every instruction of
 *                           frames not explain's own) charges each
 *                           object's count change to what ran since the
 *                           last event: kind "c" (name: owner.function,
 *                           where: the calling line), "op" (where: the
 *                           instruction's byte offset), "ret" (a frame's
 *                           exit, where: its line) or "own" (explain)
 *
 * The readings create no Python object and take no reference (the table is
 * mmap'd), so they work while tracemalloc traces and read no count of
 * their own making. The explain pass only.
 */
#ifndef LC_REFGROWTH_H
#define LC_REFGROWTH_H

/* Put the module in sys.modules. 0, or -1 with a Python exception set. */
int lc_refgrowth_install(void);

#endif
