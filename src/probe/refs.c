/* A Python door (STYLE.md rule 8): the only module that reads the
 * collector's internal lists, hence Py_BUILD_CORE here and nowhere else. */
#define Py_BUILD_CORE 1
#include <Python.h>
#include "internal/pycore_interp.h"  /* PyInterpreterState.gc */
#include "internal/pycore_gc.h"      /* PyGC_Head, struct gc_generation */
#include "internal/pycore_runtime.h" /* _PyRuntime.global_objects */
#include "internal/pycore_object.h"  /* _PyObject_IS_GC, inline */

/* Built for python3.11d, the headers must be its own (CMakeLists.txt:
 * Debian's -isystem trap gives the release pyconfig.h). */
#if LC_PYTHON_DEBUG && !defined(Py_REF_DEBUG)
#error "building for the debug interpreter with release headers"
#endif

#include "refs.h"

#include <string.h>
#include <sys/mman.h>

/*
 * The visited set is a mark in the objects themselves: a static or an
 * untracked object counted by this reading has MARK added to its
 * reference count (no real count comes near it), the untracked ones go on
 * the marked list, and the reading's end takes every mark off again
 * (tracked objects are counted once by the walk of the lists, unmarked). The
 * statics are counted and marked first, so one test of the count, which the
 * sum reads anyway, tells visit() what to skip; a hash set of addresses cost a
 * probe into a table of half a megabyte or more per edge. Nothing runs between
 * the marking and the unmarking but tp_traverse, which takes no reference and
 * frees nothing. bench_refs over 153k objects (test.test_json,
 * test.test_ctypes, pytest, numpy): 15.9 ms a reading with the hash set, 9.3
 * ms marked; a full collection there takes 12 to 14 ms. The stack holds
 * untracked containers still to traverse, so deep nesting never deepens the C
 * stack. Both lists are mmap'd: glibc's heap (mallinfo2) and Python's
 * allocators never see them.
 */
#define MARK ((Py_ssize_t)1 << 60)
#define FIRST_MARKED_ENTRIES ((size_t)1 << 15) /* a bare interpreter: ~12k */
#define FIRST_STACK_ENTRIES ((size_t)1 << 12)

static PyObject **marked; /* the untracked objects this reading counted */
static size_t marked_cap;
static size_t marked_len;
static PyObject **stack; /* stack_cap entries */
static size_t stack_cap;
static size_t stack_len;
static int64_t sum;     /* the reading under way */
static int64_t objects; /* objects counted by it */
static int64_t last_objects;
static int oom;

static void *grow(void *old, size_t old_bytes, size_t new_bytes)
{
    void *p;

    if (!old)
        p = mmap(NULL, new_bytes, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    else
        p = mremap(old, old_bytes, new_bytes, MREMAP_MAYMOVE);
    return p == MAP_FAILED ? NULL : p;
}

/* Double the list *list of *cap entries; 0, or -1 with oom set. */
static int more(PyObject ***list, size_t *cap)
{
    size_t bytes = *cap * sizeof(**list);
    PyObject **p = grow(*list, bytes, 2 * bytes);

    if (!p) {
        oom = 1;
        return -1;
    }
    *list = p;
    *cap *= 2;
    return 0;
}

static int tracked(PyObject *op)
{
    return _PyObject_IS_GC(op) && _PyObject_GC_IS_TRACKED(op);
}

/* Whether op's references are followed: untracked containers (an untracked
 * tuple or dict is still a GC type with tp_traverse), and code objects,
 * which in 3.11 are not GC types but hold the constants and names. */
static int followed(PyObject *op)
{
    return _PyObject_IS_GC(op) || PyCode_Check(op);
}

/* tp_traverse callback: count an untracked referent once. Tracked ones
 * are counted by the walk of the lists, statics by count_statics(), which
 * marks them first. */
static int visit(PyObject *op, void *arg)
{
    (void)arg;
    if (!op || Py_REFCNT(op) >= MARK / 2 || tracked(op))
        return 0;
    if (marked_len == marked_cap && more(&marked, &marked_cap) < 0)
        return 0;
    marked[marked_len++] = op;
    sum += Py_REFCNT(op);
    objects++;
    op->ob_refcnt += MARK;
    if (followed(op)) {
        if (stack_len == stack_cap && more(&stack, &stack_cap) < 0)
            return 0;
        stack[stack_len++] = op;
    }
    return 0;
}

static void visit_code(PyCodeObject *co)
{
    visit(co->co_consts, NULL);
    visit(co->co_names, NULL);
    visit(co->co_exceptiontable, NULL);
    visit(co->co_localsplusnames, NULL);
    visit(co->co_localspluskinds, NULL);
    visit(co->co_filename, NULL);
    visit(co->co_name, NULL);
    visit(co->co_qualname, NULL);
    visit(co->co_linetable, NULL);
}

static void traverse(PyObject *op)
{
    if (PyCode_Check(op)) {
        visit_code((PyCodeObject *)op);
        return;
    }
    if (Py_TYPE(op)->tp_traverse)
        Py_TYPE(op)->tp_traverse(op, visit, NULL);
}

static void drain(void)
{
    while (stack_len && !oom)
        traverse(stack[--stack_len]);
}

static void walk(PyGC_Head *head)
{
    for (PyGC_Head *g = _PyGCHead_NEXT(head); g != head && !oom;
         g = _PyGCHead_NEXT(g)) {
        PyObject *op = (PyObject *)(g + 1); /* gcmodule.c's FROM_GC */

        sum += Py_REFCNT(op);
        objects++;
        traverse(op);
        drain();
    }
}

/* Counted once per reading, here only, and marked: visit() skips them.
 * Most edges lead to one of them (None, a small int, a one-character
 * string), whose counts stay in the cache. */
static void count_static(PyObject *op)
{
    sum += Py_REFCNT(op);
    objects++;
    op->ob_refcnt += MARK;
}

static void unmark(PyObject *op)
{
    op->ob_refcnt -= MARK;
}

/* The statically allocated strings of a struct of STRUCT_FOR_ASCII_STR
 * fields (pycore_global_strings.h): each an ASCII object followed by its
 * text and a NUL, padded to the object's alignment. */
static void count_static_strings(char *p, size_t bytes,
                                 void (*each)(PyObject *))
{
    char *end = p + bytes;

    while (p + sizeof(PyASCIIObject) <= end) {
        PyASCIIObject *a = (PyASCIIObject *)p;
        size_t size = sizeof(PyASCIIObject) + (size_t)a->length + 1;
        size_t align = _Alignof(PyASCIIObject);

        if (Py_TYPE(a) != &PyUnicode_Type)
            break; /* a layout this code does not know: count less */
        each((PyObject *)a);
        p += (size + align - 1) / align * align;
    }
}

/*
 * Objects that live for the whole process whether anything reaches them
 * or not: the singletons, and in 3.11 the statically allocated small ints,
 * one-byte bytes, one-character and identifier strings and the empty
 * tuple, whose counts start at 999999999 (_PyObject_IMMORTAL_INIT; 3.11
 * has no real immortals, their counts do move). Counted always, so that
 * one becoming reached or unreached (a small int stored in a new untracked
 * dict) moves the sum by nothing rather than by a billion.
 */
static void count_statics(void (*each)(PyObject *))
{
    typeof(_PyRuntime.global_objects.singletons) *g =
        &_PyRuntime.global_objects.singletons;

    each(Py_None);
    each(Py_True);
    each(Py_False);
    each(Py_Ellipsis);
    each(Py_NotImplemented);
    for (size_t i = 0; i < sizeof(g->small_ints) / sizeof(g->small_ints[0]);
         i++)
        each((PyObject *)&g->small_ints[i]);
    each((PyObject *)&g->bytes_empty);
    for (size_t i = 0; i < 256; i++)
        each((PyObject *)&g->bytes_characters[i].ob);
    count_static_strings((char *)&g->strings.literals,
                         sizeof(g->strings.literals), each);
    count_static_strings((char *)&g->strings.identifiers,
                         sizeof(g->strings.identifiers), each);
    for (size_t i = 0; i < 128; i++)
        each((PyObject *)&g->strings.ascii[i]);
    for (size_t i = 0; i < 128; i++)
        each((PyObject *)&g->strings.latin1[i]);
    each((PyObject *)&g->tuple_empty);
}

static void read_once(struct _gc_runtime_state *gc)
{
    marked_len = 0;
    stack_len = 0;
    sum = 0;
    objects = 0;
    count_statics(count_static);
    for (int i = 0; i < NUM_GENERATIONS; i++)
        walk(&gc->generations[i].head);
    walk(&gc->permanent_generation.head);
    for (size_t i = 0; i < marked_len; i++)
        unmark(marked[i]);
    count_statics(unmark);
}

static int map_first(void)
{
    if (!marked) {
        marked = grow(NULL, 0, FIRST_MARKED_ENTRIES * sizeof(*marked));
        if (!marked)
            return -1;
        marked_cap = FIRST_MARKED_ENTRIES;
    }
    if (!stack) {
        stack = grow(NULL, 0, FIRST_STACK_ENTRIES * sizeof(*stack));
        if (!stack)
            return -1;
        stack_cap = FIRST_STACK_ENTRIES;
    }
    return 0;
}

int64_t lc_refs_total(void)
{
    if (!Py_IsInitialized())
        return 0;
    if (map_first())
        return -1;
    oom = 0;
    read_once(&PyInterpreterState_Get()->gc);
    if (oom)
        return -1;
    last_objects = objects;
    return sum;
}

static void (*each_fn)(void *, void *);
static void *each_ctx;

static void each_static(PyObject *op)
{
    each_fn(op, each_ctx);
}

static void each_in(PyGC_Head *head)
{
    for (PyGC_Head *g = _PyGCHead_NEXT(head); g != head; g = _PyGCHead_NEXT(g))
        each_fn((PyObject *)(g + 1), each_ctx);
}

int lc_refs_each(void (*fn)(void *op, void *ctx), void *ctx)
{
    struct _gc_runtime_state *gc;

    if (!Py_IsInitialized() || lc_refs_total() < 0)
        return -1;
    gc = &PyInterpreterState_Get()->gc;
    each_fn = fn;
    each_ctx = ctx;
    count_statics(each_static);
    for (int i = 0; i < NUM_GENERATIONS; i++)
        each_in(&gc->generations[i].head);
    each_in(&gc->permanent_generation.head);
    for (size_t i = 0; i < marked_len; i++)
        fn(marked[i], ctx);
    return 0;
}

size_t lc_refs_type_cache_names(void **out, size_t max)
{
    struct type_cache *tc;
    size_t n = 0;

    if (!Py_IsInitialized())
        return 0;
    tc = &PyInterpreterState_Get()->type_cache;
    for (size_t i = 0; i < (size_t)1 << MCACHE_SIZE_EXP && n < max; i++)
        if (tc->hashtable[i].name)
            out[n++] = tc->hashtable[i].name;
    return n;
}

int64_t lc_refs_debug_total(void)
{
#ifdef Py_REF_DEBUG
    return Py_IsInitialized() ? (int64_t)_Py_GetRefTotal() : 0;
#else
    return -1;
#endif
}

int64_t lc_refs_last_objects(void)
{
    return last_objects;
}

void lc_refs_release(void)
{
    if (marked)
        munmap(marked, marked_cap * sizeof(*marked));
    if (stack)
        munmap(stack, stack_cap * sizeof(*stack));
    marked = NULL;
    stack = NULL;
    marked_cap = stack_cap = marked_len = stack_len = 0;
}
