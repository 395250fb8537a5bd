/*
 * _lcleaky - a C extension that leaks on purpose, one function per kind of
 * leak a C extension makes, each with a clean twin. The cases
 * cases/ext_*.py call them once per iteration; every leaking one must be
 * flagged on the release build (the reference-only ones by the refs
 * signal, src/probe/refs.h), every twin judged clean.
 *
 * Leaked pointers go to volatile globals: gcc at -O1 and clang delete a
 * malloc whose pointer never escapes (PLATFORM.md).
 *
 * Built for the interpreter leakcheck embeds (tests/ext/CMakeLists.txt),
 * with -g so that native stacks can be symbolized.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* Built for python3.11d, the headers must be its own (CMakeLists.txt:
 * Debian's -isystem trap gives the release pyconfig.h). */
#if LC_PYTHON_DEBUG && !defined(Py_REF_DEBUG)
#error "building for the debug interpreter with release headers"
#endif

#include <stdlib.h>
#include <string.h>

static void *volatile sink; /* the last leaked pointer: it escapes */
static unsigned long calls; /* calls of malloc_every_10th */

/* --- references -------------------------------------------------------- */

/* A new object, its only reference dropped on the floor. */
static PyObject *new_object_leak(PyObject *self, PyObject *unused)
{
    PyObject *o = PyUnicode_FromFormat("leaked %lu", (unsigned long)++calls);

    if (!o)
        return NULL;
    Py_RETURN_NONE; /* missing Py_DECREF(o) */
}

static PyObject *new_object_clean(PyObject *self, PyObject *unused)
{
    PyObject *o = PyUnicode_FromFormat("kept %lu", (unsigned long)++calls);

    if (!o)
        return NULL;
    Py_DECREF(o);
    Py_RETURN_NONE;
}

/* One Py_INCREF(Py_None) too many: allocates nothing. */
static PyObject *incref_none_leak(PyObject *self, PyObject *unused)
{
    Py_INCREF(Py_None);
    Py_RETURN_NONE;
}

static PyObject *incref_none_clean(PyObject *self, PyObject *unused)
{
    Py_RETURN_NONE;
}

/* An extra reference to the argument, which the caller keeps alive. */
static PyObject *keep_arg_leak(PyObject *self, PyObject *arg)
{
    Py_INCREF(arg);
    Py_RETURN_NONE;
}

static PyObject *keep_arg_clean(PyObject *self, PyObject *arg)
{
    Py_INCREF(arg);
    Py_DECREF(arg);
    Py_RETURN_NONE;
}

/* parse_int(x): int(x) for an int, TypeError otherwise. The scratch list
 * made first leaks on the error path only. */
static PyObject *parse_int_leak(PyObject *self, PyObject *arg)
{
    PyObject *scratch = PyList_New(0);

    if (!scratch)
        return NULL;
    if (!PyLong_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "an int is required");
        return NULL; /* missing Py_DECREF(scratch) */
    }
    Py_DECREF(scratch);
    return PyNumber_Index(arg);
}

static PyObject *parse_int_clean(PyObject *self, PyObject *arg)
{
    PyObject *scratch = PyList_New(0);

    if (!scratch)
        return NULL;
    if (!PyLong_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "an int is required");
        Py_DECREF(scratch);
        return NULL;
    }
    Py_DECREF(scratch);
    return PyNumber_Index(arg);
}

/* read_record(data): a reader's error path that leaks whatever it made.
 * data[0] says what the record holds ('L' a list, 'D' a dict, 'S' a str
 * of the rest); every record is incomplete: ValueError, and the object
 * made is never released, whatever its type (as msgpack 1.0.3's unpackb
 * keeps the containers and keys of an incomplete input). Any other first
 * byte raises without making anything. One C leak site, many types. */
static PyObject *read_record_leak(PyObject *self, PyObject *arg)
{
    PyObject *made = NULL;
    Py_buffer b;

    if (PyObject_GetBuffer(arg, &b, PyBUF_SIMPLE) < 0)
        return NULL;
    if (b.len > 0 && ((const char *)b.buf)[0] == 'L')
        made = PyList_New(0);
    else if (b.len > 0 && ((const char *)b.buf)[0] == 'D')
        made = PyDict_New();
    else if (b.len > 0 && ((const char *)b.buf)[0] == 'S')
        made =
            PyUnicode_DecodeLatin1((const char *)b.buf + 1, b.len - 1, NULL);
    PyBuffer_Release(&b);
    sink = made; /* missing Py_XDECREF(made) */
    PyErr_SetString(PyExc_ValueError, "incomplete record");
    return NULL;
}

/* --- caches ------------------------------------------------------------ */

#define CACHE_MAX 64 /* entries the bounded cache keeps */

static PyObject *grow_cache;    /* dict: key -> key, never evicted */
static PyObject *bounded_cache; /* dict: at most CACHE_MAX entries */

static PyObject *cache_put(PyObject **cache, PyObject *key, Py_ssize_t max)
{
    if (!*cache && !(*cache = PyDict_New()))
        return NULL;
    if (max && PyDict_GET_SIZE(*cache) >= max)
        PyDict_Clear(*cache);
    if (PyDict_SetItem(*cache, key, key) < 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *cache_grows(PyObject *self, PyObject *key)
{
    return cache_put(&grow_cache, key, 0);
}

static PyObject *cache_bounded(PyObject *self, PyObject *key)
{
    return cache_put(&bounded_cache, key, CACHE_MAX);
}

/* --- the C heap -------------------------------------------------------- */

static PyObject *malloc_leak(PyObject *self, PyObject *arg)
{
    Py_ssize_t n = PyLong_AsSsize_t(arg);
    char *p;

    if (n < 0)
        return PyErr_Occurred() ? NULL
                                : PyErr_Format(PyExc_ValueError, "size < 0");
    p = malloc((size_t)n);
    if (!p)
        return PyErr_NoMemory();
    p[0] = 1; /* touched: a real allocation, not only address space */
    sink = p; /* missing free(p) */
    Py_RETURN_NONE;
}

static PyObject *malloc_clean(PyObject *self, PyObject *arg)
{
    Py_ssize_t n = PyLong_AsSsize_t(arg);
    char *p;

    if (n < 0)
        return PyErr_Occurred() ? NULL
                                : PyErr_Format(PyExc_ValueError, "size < 0");
    p = malloc((size_t)n);
    if (!p)
        return PyErr_NoMemory();
    p[0] = 1;
    sink = p;
    free(p);
    sink = NULL;
    Py_RETURN_NONE;
}

/* 1 KiB every 10th call, freed the other nine. */
static PyObject *malloc_every_10th(PyObject *self, PyObject *unused)
{
    char *p = malloc(1024);

    if (!p)
        return PyErr_NoMemory();
    p[0] = 1;
    sink = p;
    if (++calls % 10 != 0) {
        free(p);
        sink = NULL;
    }
    Py_RETURN_NONE;
}

/* --- Python's allocators ----------------------------------------------- */

enum domain { D_MEM, D_RAW, D_OBJ };

static void *domain_alloc(int d, size_t n)
{
    return d == D_MEM   ? PyMem_Malloc(n)
           : d == D_RAW ? PyMem_RawMalloc(n)
                        : PyObject_Malloc(n);
}

static void domain_free(int d, void *p)
{
    if (d == D_MEM)
        PyMem_Free(p);
    else if (d == D_RAW)
        PyMem_RawFree(p);
    else
        PyObject_Free(p);
}

/* pymem_leak(domain, size) / pymem_clean(domain, size); domain 0 PyMem,
 * 1 PyMem_Raw, 2 PyObject. */
static PyObject *pymem(PyObject *args, int leak)
{
    int d;
    Py_ssize_t n;
    char *p;

    if (!PyArg_ParseTuple(args, "in", &d, &n))
        return NULL;
    if (d < D_MEM || d > D_OBJ || n < 1)
        return PyErr_Format(PyExc_ValueError, "bad domain or size");
    p = domain_alloc(d, (size_t)n);
    if (!p)
        return PyErr_NoMemory();
    p[0] = 1;
    sink = p;
    if (!leak) {
        domain_free(d, p);
        sink = NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *pymem_leak(PyObject *self, PyObject *args)
{
    return pymem(args, 1);
}

static PyObject *pymem_clean(PyObject *self, PyObject *args)
{
    return pymem(args, 0);
}

/* --- parsers for the leak fuzzer (cases/fuzz_ext_magic_*.py) ----------- */

/* A record reader: a 4-byte magic "LKX1", then a body. A record with the
 * magic is copied into a bytes object that is never released (the leak);
 * any other input is read and dropped. The check is a C comparison, so
 * Python line coverage sees none of it: only libFuzzer's coverage of this
 * file (built with -fsanitize=fuzzer-no-link, doc/fuzz-c-extensions.md)
 * tells it that a mutation matched one more byte. */
static const unsigned char record_magic[4] = {'L', 'K', 'X', '1'};

static PyObject *keep_record(const unsigned char *body, Py_ssize_t n)
{
    PyObject *copy = PyBytes_FromStringAndSize((const char *)body, n);

    if (!copy)
        return NULL;
    sink = copy;
    Py_RETURN_NONE; /* missing Py_DECREF(copy) */
}

/* One byte at a time, each its own branch, as hand-written parsers do:
 * nothing for memcmp interception to learn from. */
static PyObject *magic_bytewise_leak(PyObject *self, PyObject *arg)
{
    const unsigned char *d;
    Py_ssize_t n;

    if (PyBytes_AsStringAndSize(arg, (char **)&d, &n) < 0)
        return NULL;
    if (n < 4 || d[0] != record_magic[0])
        Py_RETURN_NONE;
    if (d[1] != record_magic[1])
        Py_RETURN_NONE;
    if (d[2] != record_magic[2])
        Py_RETURN_NONE;
    if (d[3] != record_magic[3])
        Py_RETURN_NONE;
    return keep_record(d + 4, n - 4);
}

/* The same check with memcmp, which libFuzzer intercepts. */
static PyObject *magic_memcmp_leak(PyObject *self, PyObject *arg)
{
    const unsigned char *d;
    Py_ssize_t n;

    if (PyBytes_AsStringAndSize(arg, (char **)&d, &n) < 0)
        return NULL;
    if (n < 4 || memcmp(d, record_magic, 4) != 0)
        Py_RETURN_NONE;
    return keep_record(d + 4, n - 4);
}

static PyMethodDef methods[] = {
    {"new_object_leak", new_object_leak, METH_NOARGS,
     "a new object never released"},
    {"new_object_clean", new_object_clean, METH_NOARGS, "its clean twin"},
    {"incref_none_leak", incref_none_leak, METH_NOARGS,
     "one Py_INCREF(Py_None) too many"},
    {"incref_none_clean", incref_none_clean, METH_NOARGS, "its clean twin"},
    {"keep_arg_leak", keep_arg_leak, METH_O,
     "an extra reference to the argument"},
    {"keep_arg_clean", keep_arg_clean, METH_O, "its clean twin"},
    {"parse_int_leak", parse_int_leak, METH_O,
     "leaks a list on TypeError only"},
    {"parse_int_clean", parse_int_clean, METH_O, "its clean twin"},
    {"read_record_leak", read_record_leak, METH_O,
     "raises on any record and keeps the list, dict or str it made"},
    {"cache_grows", cache_grows, METH_O, "a static dict that only grows"},
    {"cache_bounded", cache_bounded, METH_O,
     "a static dict of at most 64 entries"},
    {"malloc_leak", malloc_leak, METH_O, "malloc(n), never freed"},
    {"malloc_clean", malloc_clean, METH_O, "malloc(n), freed"},
    {"malloc_every_10th", malloc_every_10th, METH_NOARGS,
     "1 KiB kept every 10th call"},
    {"pymem_leak", pymem_leak, METH_VARARGS,
     "pymem_leak(domain, n): 0 PyMem, 1 PyMem_Raw, 2 PyObject"},
    {"pymem_clean", pymem_clean, METH_VARARGS, "its clean twin"},
    {"magic_bytewise_leak", magic_bytewise_leak, METH_O,
     "keeps a record behind a 4-byte magic compared byte by byte in C"},
    {"magic_memcmp_leak", magic_memcmp_leak, METH_O, "the same with memcmp"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_lcleaky",
    .m_doc = "Deliberate leaks for leakcheck's cases (tests/ext/_lcleaky.c).",
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC PyInit__lcleaky(void)
{
    return PyModule_Create(&module);
}
