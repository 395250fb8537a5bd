/*
 * stash.c - a tiny extension with one leak planted on purpose, for the
 * consumer project's leakcheck cases.
 *
 *   _stash.stash(obj)  takes a new reference to obj and never drops it
 *                      (the leak: obj lives for ever)
 *   _stash.peek(obj)   borrows obj and returns its type name (clean)
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* The leaked references escape here, so no compiler drops them. */
static PyObject *volatile last_stashed;

static PyObject *stash(PyObject *self, PyObject *obj)
{
    (void)self;
    Py_INCREF(obj); /* never decremented: the planted leak */
    last_stashed = obj;
    Py_RETURN_NONE;
}

static PyObject *peek(PyObject *self, PyObject *obj)
{
    (void)self;
    return PyUnicode_FromString(Py_TYPE(obj)->tp_name);
}

static PyMethodDef methods[] = {
    {"stash", stash, METH_O, "Keep a reference to obj for ever."},
    {"peek", peek, METH_O, "The type name of obj."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    "_stash",
    "A planted leak for leakcheck.",
    -1,
    methods,
    NULL,
    NULL,
    NULL,
    NULL,
};

PyMODINIT_FUNC PyInit__stash(void)
{
    return PyModule_Create(&module);
}
