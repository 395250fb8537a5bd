#include <Python.h> /* first: it sets the feature macros */

#include "refgrowth.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "refs.h"

/* One object of the snapshot. */
struct entry {
    uintptr_t addr; /* the object's address */
    uintptr_t type; /* its type's address */
    int64_t count;  /* its reference count */
};

/* The snapshot, sorted by address after it is taken; mmap'd. */
static struct entry *table;
static size_t used, cap; /* entries */
static int oom;

#define FIRST_ENTRIES ((size_t)1 << 16)
#define TOP_MAX 64 /* grown() returns at most this many */

/* The type attribute cache's references, sorted (lc_refs_type_cache_names):
 * an object's count less them, so that the lookups between two readings
 * move nothing (a pytest test's attribute names rose by one a call each,
 * and None, which the empty entries hold, fell as they filled). */
#define CACHE_MAX 8192
static void *cached[CACHE_MAX];
static size_t ncached;

static int by_ptr(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t) * (void *const *)a,
              y = (uintptr_t) * (void *const *)b;

    return x < y ? -1 : x > y;
}

static void take_cached(void)
{
    ncached = lc_refs_type_cache_names(cached, CACHE_MAX);
    qsort(cached, ncached, sizeof(*cached), by_ptr);
}

/* Op's count less the cache entries naming it. */
static int64_t held(PyObject *op)
{
    size_t lo = 0, hi = ncached;
    int64_t n = (int64_t)Py_REFCNT(op);

    while (lo < hi) { /* the first entry >= op */
        size_t mid = lo + (hi - lo) / 2;

        if ((uintptr_t)cached[mid] < (uintptr_t)op)
            lo = mid + 1;
        else
            hi = mid;
    }
    while (lo < ncached && cached[lo] == (void *)op)
        lo++, n--;
    return n;
}

static void forget(void)
{
    if (table)
        munmap(table, cap * sizeof(*table));
    table = NULL;
    used = cap = 0;
}

static void record(void *op, void *ctx)
{
    PyObject *o = op;

    (void)ctx;
    if (used == cap) {
        size_t ncap = cap ? 2 * cap : FIRST_ENTRIES;
        void *p =
            table ? mremap(table, cap * sizeof(*table), ncap * sizeof(*table),
                           MREMAP_MAYMOVE)
                  : mmap(NULL, ncap * sizeof(*table), PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

        if (p == MAP_FAILED) {
            oom = 1;
            return;
        }
        table = p;
        cap = ncap;
    }
    table[used++] =
        (struct entry){(uintptr_t)o, (uintptr_t)Py_TYPE(o), held(o)};
}

static int by_addr(const void *a, const void *b)
{
    const struct entry *x = a, *y = b;

    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static PyObject *snapshot(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    forget();
    oom = 0;
    take_cached();
    if (lc_refs_each(record, NULL) < 0 || oom) {
        forget();
        return PyErr_NoMemory();
    }
    qsort(table, used, sizeof(*table), by_addr);
    Py_RETURN_NONE;
}

/* The largest gains of the second reading, kept in order. */
struct top {
    int64_t floor;
    int limit, n;
    PyObject *obj[TOP_MAX];
    int64_t gain[TOP_MAX];
};

static void compare(void *op, void *ctx)
{
    struct top *t = ctx;
    PyObject *o = op;
    struct entry key = {.addr = (uintptr_t)o};
    const struct entry *e =
        bsearch(&key, table, used, sizeof(*table), by_addr);
    int64_t gain;
    int i;

    if (!e || e->type != (uintptr_t)Py_TYPE(o))
        return;
    gain = held(o) - e->count;
    if (gain < t->floor || (t->n == t->limit && gain <= t->gain[t->n - 1]))
        return;
    if (t->n < t->limit)
        t->n++;
    for (i = t->n - 1; i > 0 && t->gain[i - 1] < gain; i--) {
        t->gain[i] = t->gain[i - 1];
        t->obj[i] = t->obj[i - 1];
    }
    t->gain[i] = gain;
    t->obj[i] = o;
}

static PyObject *grown(PyObject *self, PyObject *args)
{
    static struct top t;
    long long floor;
    int limit;
    PyObject *out;

    (void)self;
    if (!PyArg_ParseTuple(args, "Li", &floor, &limit))
        return NULL;
    if (!table)
        return PyList_New(0);
    t.floor = floor > 1 ? floor : 1;
    t.limit = limit < 1 ? 1 : limit > TOP_MAX ? TOP_MAX : limit;
    t.n = 0;
    take_cached();
    if (lc_refs_each(compare, &t) < 0) {
        forget();
        return PyErr_NoMemory();
    }
    forget();
    out = PyList_New(0);
    for (int i = 0; out && i < t.n; i++) {
        PyObject *pair = Py_BuildValue("(OL)", t.obj[i], (long long)t.gain[i]);

        if (!pair || PyList_Append(out, pair) < 0)
            Py_CLEAR(out);
        Py_XDECREF(pair);
    }
    return out;
}

/* --- Which call takes them: the tracer of attribute_start/stop --- */

#define CAND_MAX 8   /* objects followed at once */
#define SLOTS 8192   /* contexts: a power of two */
#define OWNER_MAX 80 /* "module" or "type" of a C function */

enum kind { K_OWN, K_OP, K_C, K_RET };

/* What ran since the last event: an instruction (code, byte offset), a C
 * function (its method table entry and owner, called at code:line), the
 * exit of a frame (code, line), or explain's own code. */
struct key {
    enum kind kind;
    int where;             /* K_OP: offset; K_C, K_RET: line */
    PyObject *code;        /* borrowed while tracing, owned in a slot */
    const PyMethodDef *ml; /* K_C */
    char owner[OWNER_MAX]; /* K_C: module or type name */
};

struct slot {
    bool used;
    struct key key;
    int64_t sum[CAND_MAX]; /* net references charged per object */
};

/* C functions called from Python and not returned yet, innermost last:
 * each with the frame that called it (borrowed: alive while it runs). */
#define CALLS_MAX 64

struct c_call {
    struct key key;
    PyFrameObject *from;
};

static struct {
    PyObject *obj[CAND_MAX]; /* borrowed: the caller's list keeps them */
    int n;
    int64_t last[CAND_MAX];
    struct key cur;
    struct slot *slots; /* SLOTS of them */
    int64_t dropped;    /* charges with no slot left */
    PyObject *last_code;
    bool last_own;
    struct c_call calls[CALLS_MAX];
    int ncalls; /* kept in calls */
    int over;   /* calls past CALLS_MAX, not kept */
} tr;

static size_t key_hash(const struct key *k)
{
    uint64_t h = ((uint64_t)k->kind * 0x9e3779b97f4a7c15ull) ^
                 ((uintptr_t)k->code >> 4) ^ ((uintptr_t)k->ml << 7) ^
                 ((uint64_t)(unsigned)k->where * 0x100000001b3ull);

    return (size_t)(h ^ (h >> 29)) & (SLOTS - 1);
}

static bool key_eq(const struct key *a, const struct key *b)
{
    return a->kind == b->kind && a->where == b->where && a->code == b->code &&
           a->ml == b->ml && strcmp(a->owner, b->owner) == 0;
}

/* The slot of key k, taken when new (the code object kept); NULL when the
 * table is full. */
static struct slot *slot_of(const struct key *k)
{
    size_t i = key_hash(k);

    for (size_t probes = 0; probes < SLOTS;
         probes++, i = (i + 1) & (SLOTS - 1)) {
        struct slot *s = &tr.slots[i];

        if (s->used && key_eq(&s->key, k))
            return s;
        if (!s->used) {
            s->used = true;
            s->key = *k;
            Py_XINCREF(s->key.code);
            return s;
        }
    }
    return NULL;
}

static struct slot *slot_of_cur(void)
{
    return slot_of(&tr.cur);
}

/* Charge every followed object's change since the last event to the
 * current key. */
static void charge(void)
{
    struct slot *s = NULL;

    for (int i = 0; i < tr.n; i++) {
        int64_t d = (int64_t)Py_REFCNT(tr.obj[i]) - tr.last[i];

        if (!d)
            continue;
        tr.last[i] += d;
        if (!s && !(s = slot_of_cur())) {
            tr.dropped++;
            return;
        }
        s->sum[i] += d;
    }
}

/* Whether code is explain's own (its file name starts with "<leakcheck>/",
 * the prefix src/probe/pypkg.h compiles the package under). */
static bool own_code(PyObject *code)
{
    const char *fn;

    if (code == tr.last_code)
        return tr.last_own;
    fn = PyUnicode_AsUTF8(((PyCodeObject *)code)->co_filename);
    if (!fn)
        PyErr_Clear();
    tr.last_code = code;
    tr.last_own = fn && strncmp(fn, "<leakcheck>/", 12) == 0;
    return tr.last_own;
}

/* The current key: explain's own code, or kind at code (a borrowed code
 * object: the frame's, which outlives the next event). */
static void set_cur(PyFrameObject *f, enum kind kind)
{
    PyCodeObject *code = PyFrame_GetCode(f);

    memset(&tr.cur, 0, sizeof(tr.cur));
    if (own_code((PyObject *)code)) {
        tr.cur.kind = K_OWN;
    } else {
        tr.cur.kind = kind;
        tr.cur.code = (PyObject *)code;
        tr.cur.where =
            kind == K_OP ? PyFrame_GetLasti(f) : PyFrame_GetLineNumber(f);
    }
    Py_DECREF(code);
}

static void set_cur_cfunc(PyFrameObject *f, PyObject *fn)
{
    PyCFunctionObject *c = (PyCFunctionObject *)fn;
    PyObject *self = c->m_self;
    const char *owner = NULL;

    set_cur(f, K_C);
    if (tr.cur.kind != K_C || !PyCFunction_Check(fn))
        return;
    tr.cur.ml = c->m_ml;
    if (self && PyModule_Check(self))
        owner = PyModule_GetName(self);
    else if (self && PyType_Check(self))
        owner = ((PyTypeObject *)self)->tp_name;
    else if (self)
        owner = Py_TYPE(self)->tp_name;
    if (!owner)
        PyErr_Clear();
    if (!owner && c->m_module && PyUnicode_Check(c->m_module))
        owner = PyUnicode_AsUTF8(c->m_module); /* Cython's: no module self */
    if (!owner)
        PyErr_Clear();
    snprintf(tr.cur.owner, sizeof(tr.cur.owner), "%s", owner ? owner : "");
}

/* Frame f returns value to a C function it was called by (a callback of
 * re.sub, a key function of sorted): the reference the return value
 * carries is the C function's to release from now on, and what runs until
 * the next event is that C function again. So the reference is charged
 * to the frame's exit (-1, which nets its push on its own line) and to the
 * C function (+1, which its release nets): a C function that never
 * releases a callback's result is named, not the callback's last line. */
static void hand_over(PyFrameObject *f, PyObject *value)
{
    PyFrameObject *back = PyFrame_GetBack(f);
    const struct c_call *c = tr.ncalls > 0 ? &tr.calls[tr.ncalls - 1] : NULL;

    Py_XDECREF(back); /* compared as an address only */
    if (tr.over || !c || c->key.kind != K_C || !back || c->from != back ||
        tr.cur.kind == K_OWN)
        return;
    for (int i = 0; i < tr.n && value; i++) {
        struct slot *ret, *to;

        if (tr.obj[i] != value)
            continue;
        if (!(ret = slot_of_cur()) || !(to = slot_of(&c->key))) {
            tr.dropped++;
            break;
        }
        ret->sum[i]--;
        to->sum[i]++;
    }
    tr.cur = c->key;
}

static int on_trace(PyObject *obj, PyFrameObject *f, int what, PyObject *arg)
{
    (void)obj;
    charge();
    if (what == PyTrace_CALL) {
        set_cur(f, K_OP);
        if (tr.cur.kind != K_OWN &&
            PyObject_SetAttrString((PyObject *)f, "f_trace_opcodes", Py_True) <
                0)
            PyErr_Clear();
    } else if (what == PyTrace_LINE || what == PyTrace_OPCODE) {
        set_cur(f, K_OP);
    } else if (what == PyTrace_RETURN) {
        set_cur(f, K_RET);
        hand_over(f, arg);
    }
    return 0;
}

static int on_profile(PyObject *obj, PyFrameObject *f, int what, PyObject *arg)
{
    (void)obj;
    charge();
    if (what == PyTrace_C_CALL) {
        set_cur_cfunc(f, arg);
        if (tr.ncalls < CALLS_MAX && !tr.over)
            tr.calls[tr.ncalls++] = (struct c_call){tr.cur, f};
        else
            tr.over++;
    } else if (what == PyTrace_C_RETURN || what == PyTrace_C_EXCEPTION) {
        if (tr.over)
            tr.over--;
        else if (tr.ncalls > 0)
            tr.ncalls--;
        set_cur(f, K_OP);
    }
    return 0;
}

static PyObject *attribute_start(PyObject *self, PyObject *objs)
{
    (void)self;
    if (!PyList_Check(objs) || PyList_GET_SIZE(objs) > CAND_MAX) {
        PyErr_SetString(PyExc_ValueError, "a list of at most 8 objects");
        return NULL;
    }
    if (tr.slots) {
        PyErr_SetString(PyExc_RuntimeError, "already attributing");
        return NULL;
    }
    tr.slots = calloc(SLOTS, sizeof(*tr.slots));
    if (!tr.slots)
        return PyErr_NoMemory();
    tr.n = (int)PyList_GET_SIZE(objs);
    for (int i = 0; i < tr.n; i++)
        tr.obj[i] = PyList_GET_ITEM(objs, i);
    tr.dropped = 0;
    tr.last_code = NULL;
    tr.ncalls = tr.over = 0;
    memset(&tr.cur, 0, sizeof(tr.cur));
    PyEval_SetProfile(on_profile, NULL);
    PyEval_SetTrace(on_trace, NULL);
    for (int i = 0; i < tr.n; i++)
        tr.last[i] = (int64_t)Py_REFCNT(tr.obj[i]);
    Py_RETURN_NONE;
}

/* A slot as (kind, name, code, where, (net, ...)); steals its code. */
static PyObject *slot_tuple(struct slot *s)
{
    static const char *const kinds[] = {"own", "op", "c", "ret"};
    PyObject *sums = PyTuple_New(tr.n), *out = NULL, *name = Py_None;

    for (int i = 0; sums && i < tr.n; i++)
        PyTuple_SET_ITEM(sums, i, PyLong_FromLongLong(s->sum[i]));
    if (s->key.kind == K_C && s->key.ml)
        name = PyUnicode_FromFormat("%s%s%s", s->key.owner,
                                    s->key.owner[0] ? "." : "",
                                    s->key.ml->ml_name);
    else
        Py_INCREF(name);
    if (sums && name)
        out = Py_BuildValue("(sOOiO)", kinds[s->key.kind], name,
                            s->key.code ? s->key.code : Py_None, s->key.where,
                            sums);
    Py_XDECREF(sums);
    Py_XDECREF(name);
    Py_CLEAR(s->key.code);
    return out;
}

static PyObject *attribute_stop(PyObject *self, PyObject *unused)
{
    PyObject *out;

    (void)self;
    (void)unused;
    if (!tr.slots)
        Py_RETURN_NONE;
    PyEval_SetTrace(NULL, NULL);
    PyEval_SetProfile(NULL, NULL);
    charge();
    out = PyList_New(0);
    for (size_t i = 0; i < SLOTS; i++) {
        PyObject *t;

        if (!tr.slots[i].used)
            continue;
        t = out ? slot_tuple(&tr.slots[i]) : NULL;
        if (!t || PyList_Append(out, t) < 0)
            Py_CLEAR(out);
        Py_XDECREF(t);
        Py_CLEAR(tr.slots[i].key.code);
    }
    free(tr.slots);
    tr.slots = NULL;
    tr.n = 0;
    return out;
}

static PyMethodDef methods[] = {
    {"attribute_start", attribute_start, METH_O,
     "trace calls, charging the objects' count changes to them"},
    {"attribute_stop", attribute_stop, METH_NOARGS,
     "stop; [(kind, name, code, where, (net, ...))]"},
    {"snapshot", snapshot, METH_NOARGS, "record every object's count"},
    {"grown", grown, METH_VARARGS, "(floor, limit) -> [(object, gain)]"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    "_leakcheck_refs",
    "Which objects' reference counts grew (src/explain/refgrowth.h).",
    -1,
    methods,
    NULL,
    NULL,
    NULL,
    NULL,
};

int lc_refgrowth_install(void)
{
    PyObject *mod = PyModule_Create(&module);
    int rc;

    if (!mod)
        return -1;
    rc =
        PyDict_SetItemString(PyImport_GetModuleDict(), "_leakcheck_refs", mod);
    Py_DECREF(mod);
    return rc;
}
