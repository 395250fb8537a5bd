#include "pysites.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Python's allocators as the pass wraps them. */
struct hook {
    PyMemAllocatorDomain domain;
    enum lc_native_kind kind;
    PyMemAllocatorEx prev; /* what it wraps */
    bool on;
};

static struct hook hooks[] = {
    {PYMEM_DOMAIN_MEM, LC_NATIVE_PY_MEM, {0}, false},
    {PYMEM_DOMAIN_OBJ, LC_NATIVE_PY_OBJ, {0}, false},
};

static void *h_malloc(void *ctx, size_t size)
{
    struct hook *h = ctx;
    void *p = h->prev.malloc(h->prev.ctx, size);

    if (p && lc_native_tracking)
        lc_native_note_py(p, size, h->kind);
    return p;
}

static void *h_calloc(void *ctx, size_t nelem, size_t elsize)
{
    struct hook *h = ctx;
    void *p = h->prev.calloc(h->prev.ctx, nelem, elsize);

    if (p && lc_native_tracking)
        lc_native_note_py(p, nelem * elsize, h->kind);
    return p;
}

/* A block that existed before recording and is resized is not new: it is
 * left out (tracemalloc shows a container's growth). */
static void *h_realloc(void *ctx, void *ptr, size_t size)
{
    struct hook *h = ctx;
    size_t old = 0, base = 0;
    bool tracked =
        ptr && lc_native_tracking && lc_native_note_free(ptr, &old, &base);
    void *p = h->prev.realloc(h->prev.ctx, ptr, size);

    if (tracked && !p)
        lc_native_note_py(ptr, old, h->kind);
    else if (p && lc_native_tracking && (tracked || !ptr))
        lc_native_note_py(p, size, h->kind);
    return p;
}

static void h_free(void *ctx, void *ptr)
{
    struct hook *h = ctx;
    size_t size, base;

    if (ptr && lc_native_tracking)
        lc_native_note_free(ptr, &size, &base);
    h->prev.free(h->prev.ctx, ptr);
}

int lc_pysites_install(void)
{
    for (size_t i = 0; i < sizeof(hooks) / sizeof(hooks[0]); i++) {
        struct hook *h = &hooks[i];
        PyMemAllocatorEx mine = {h, h_malloc, h_calloc, h_realloc, h_free};

        if (h->on)
            return -1;
        PyMem_GetAllocator(h->domain, &h->prev);
        PyMem_SetAllocator(h->domain, &mine);
        h->on = true;
    }
    return 0;
}

void lc_pysites_remove(void)
{
    for (size_t i = 0; i < sizeof(hooks) / sizeof(hooks[0]); i++) {
        struct hook *h = &hooks[i];
        PyMemAllocatorEx now;

        if (!h->on)
            continue;
        PyMem_GetAllocator(h->domain, &now);
        if (now.malloc != h_malloc || now.ctx != h)
            continue; /* wrapped since: stays, forwarding only */
        PyMem_SetAllocator(h->domain, &h->prev);
        h->on = false;
    }
}

/* --- What a block is --- */

static uintptr_t *types; /* sorted addresses of every class */
static size_t ntypes, types_cap;

static int add_type(PyObject *t)
{
    if (ntypes == types_cap) {
        size_t cap = types_cap ? 2 * types_cap : 1024;
        uintptr_t *p = realloc(types, cap * sizeof(*types));

        if (!p)
            return -1;
        types = p;
        types_cap = cap;
    }
    types[ntypes++] = (uintptr_t)t;
    return 0;
}

/* Every subclass of object, depth first through __subclasses__() (a
 * C method of type: no program code runs). Duplicates (multiple
 * inheritance) are harmless. */
static int collect_types(void)
{
    PyObject *stack = PyList_New(0);
    PyObject *subclasses = /* type's own method, whatever the metaclass */
        PyObject_GetAttrString((PyObject *)&PyType_Type, "__subclasses__");
    int rc = stack && subclasses
                 ? PyList_Append(stack, (PyObject *)&PyBaseObject_Type)
                 : -1;

    ntypes = 0;
    while (rc == 0 && PyList_GET_SIZE(stack)) {
        Py_ssize_t last = PyList_GET_SIZE(stack) - 1;
        PyObject *t = Py_NewRef(PyList_GET_ITEM(stack, last));
        PyObject *subs = NULL;

        rc = PyList_SetSlice(stack, last, last + 1, NULL);
        if (rc == 0 && add_type(t) < 0)
            rc = -1;
        if (rc == 0)
            subs = PyObject_CallOneArg(subclasses, t);
        for (Py_ssize_t i = 0; subs && rc == 0 && i < PyList_GET_SIZE(subs);
             i++)
            rc = PyList_Append(stack, PyList_GET_ITEM(subs, i));
        if (rc == 0 && !subs)
            rc = -1;
        Py_XDECREF(subs);
        Py_DECREF(t);
    }
    Py_XDECREF(stack);
    Py_XDECREF(subclasses);
    return rc;
}

static int by_addr(const void *a, const void *b)
{
    uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;

    return x < y ? -1 : x > y;
}

static bool known_type(uintptr_t t)
{
    return bsearch(&t, types, ntypes, sizeof(*types), by_addr) != NULL;
}

/* The smallest block an object of type t fits in: a compact str is
 * smaller than str's tp_basicsize, a variable-size object at least its
 * header. */
static size_t min_size(PyTypeObject *t)
{
    if (PyType_FastSubclass(t, Py_TPFLAGS_UNICODE_SUBCLASS))
        return sizeof(PyASCIIObject);
    if (t->tp_itemsize)
        return sizeof(PyVarObject);
    return (size_t)t->tp_basicsize;
}

/* The bytes before an object of type t in its block (3.11's
 * _PyType_PreHeaderSize): the PyGC_Head of a gc type, and the two
 * pointers of a managed __dict__ (instances of Python classes). */
static size_t pre_header(PyTypeObject *t)
{
    return (PyType_IS_GC(t) ? 2 * sizeof(uintptr_t) : 0) +
           (PyType_HasFeature(t, Py_TPFLAGS_MANAGED_DICT)
                ? 2 * sizeof(PyObject *)
                : 0);
}

/* The live object a block holds, or NULL for a raw buffer. */
static PyObject *object_in(uintptr_t p, size_t size)
{
    for (size_t off = 0; off <= 4 * sizeof(uintptr_t);
         off += 2 * sizeof(uintptr_t)) {
        PyObject *o = (PyObject *)(p + off);
        PyTypeObject *t;

        if (size < off + sizeof(PyObject))
            continue;
        t = Py_TYPE(o);
        if (!known_type((uintptr_t)t) || pre_header(t) != off ||
            min_size(t) + off > size || Py_REFCNT(o) <= 0 ||
            Py_REFCNT(o) > ((Py_ssize_t)1 << 40))
            continue;
        return o;
    }
    return NULL;
}

PyObject *lc_pysites_objects(const struct lc_native_block *b, size_t n,
                             size_t max)
{
    PyObject *out;

    int was = PyGC_Disable(); /* no survivor freed while they are read */

    if (collect_types() < 0) {
        if (was)
            PyGC_Enable();
        return NULL;
    }
    qsort(types, ntypes, sizeof(*types), by_addr);
    out = PyList_New(0);
    for (size_t i = 0; out && i < n && i < max; i++) {
        PyObject *o = object_in(b[i].ptr, (size_t)b[i].size);
        PyObject *t = Py_BuildValue("(iOK)", b[i].site, o ? o : Py_None,
                                    (unsigned long long)b[i].size);

        if (!t || PyList_Append(out, t) < 0)
            Py_CLEAR(out);
        Py_XDECREF(t);
    }
    if (was)
        PyGC_Enable();
    return out;
}

/* --- Entry points of extensions --- */

/* Append (object, offset, name) for the code at addr. */
static int add_entry(PyObject *out, void *addr, const char *owner,
                     const char *name)
{
    Dl_info info;
    const char *base;
    PyObject *t;
    int rc;

    if (!addr || !dladdr(addr, &info) || !info.dli_fname)
        return 0;
    base = strrchr(info.dli_fname, '/');
    t = Py_BuildValue(
        "(sKN)", base ? base + 1 : info.dli_fname,
        (unsigned long long)((char *)addr - (char *)info.dli_fbase),
        PyUnicode_FromFormat("%s%s%s", owner, *owner ? "." : "", name));
    rc = t ? PyList_Append(out, t) : -1;
    Py_XDECREF(t);
    return rc;
}

static int add_type_entries(PyObject *out, PyTypeObject *t)
{
    const char *n = t->tp_name;
    int rc = 0;

    for (PyMethodDef *m = t->tp_methods; rc == 0 && m && m->ml_name; m++)
        rc = add_entry(out, (void *)m->ml_meth, n, m->ml_name);
    if (rc == 0)
        rc = add_entry(out, (void *)t->tp_new, n, "__new__");
    if (rc == 0)
        rc = add_entry(out, (void *)t->tp_init, n, "__init__");
    if (rc == 0)
        rc = add_entry(out, (void *)t->tp_call, n, "__call__");
    if (rc == 0)
        rc = add_entry(out, (void *)t->tp_iternext, n, "__next__");
    return rc;
}

static int add_module_entries(PyObject *out, PyObject *mod)
{
    PyObject *d = PyModule_GetDict(mod), *k, *v;
    const char *mname = PyModule_GetName(mod);
    Py_ssize_t pos = 0;
    int rc = 0;

    if (!d || !mname) {
        PyErr_Clear();
        return 0;
    }
    while (rc == 0 && PyDict_Next(d, &pos, &k, &v)) {
        if (PyCFunction_Check(v))
            rc =
                add_entry(out, (void *)((PyCFunctionObject *)v)->m_ml->ml_meth,
                          mname, ((PyCFunctionObject *)v)->m_ml->ml_name);
        else if (PyType_Check(v) &&
                 !(((PyTypeObject *)v)->tp_flags & Py_TPFLAGS_HEAPTYPE &&
                   !((PyTypeObject *)v)->tp_methods))
            rc = add_type_entries(out, (PyTypeObject *)v);
    }
    return rc;
}

PyObject *lc_pysites_entry_points(void)
{
    PyObject *mods = PyImport_GetModuleDict(), *out = PyList_New(0);
    PyObject *values = out ? PyDict_Values(mods) : NULL;

    for (Py_ssize_t i = 0; values && i < PyList_GET_SIZE(values); i++) {
        PyObject *m = PyList_GET_ITEM(values, i);

        if (PyModule_Check(m) && add_module_entries(out, m) < 0)
            Py_CLEAR(out);
        if (!out)
            break;
    }
    Py_XDECREF(values);
    if (!values)
        Py_CLEAR(out);
    return out;
}
