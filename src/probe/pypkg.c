#include <Python.h> /* first: it sets the feature macros */

#include "pypkg.h"

#include <stdio.h>
#include <string.h>

/* PACKAGE "." name, or a "<leakcheck>/dir/name.py" filename. */
#define NAME_MAX_LEN 256

/* linecache.cache[filename] = (size, None, lines, filename): an entry
 * whose mtime is None is never checked against a file, so it stays. */
static int register_source(PyObject *cache, PyObject *filename,
                           PyObject *source)
{
    PyObject *lines = PyUnicode_Splitlines(source, 1), *entry;
    int rc = -1;

    if (!lines)
        return -1;
    entry = Py_BuildValue("(nOOO)", PyUnicode_GET_LENGTH(source), Py_None,
                          lines, filename);
    if (entry)
        rc = PyDict_SetItem(cache, filename, entry);
    Py_XDECREF(entry);
    Py_DECREF(lines);
    return rc;
}

/* Run one module's code in mod, compiled under its filename, with its
 * source in linecache. */
static int exec_module(PyObject *mod, PyObject *cache, const char *dir,
                       const struct lc_pypkg_module *m)
{
    char filename[NAME_MAX_LEN];
    PyObject *dict = PyModule_GetDict(mod), *fn, *text = NULL, *code = NULL;
    PyObject *res = NULL;

    snprintf(filename, sizeof(filename), "<leakcheck>/%s/%s.py", dir, m->name);
    fn = PyUnicode_FromString(filename);
    if (fn)
        text = PyUnicode_FromStringAndSize(m->source, (Py_ssize_t)m->size);
    if (text && register_source(cache, fn, text) == 0 &&
        PyDict_SetItemString(dict, "__builtins__", PyEval_GetBuiltins()) == 0)
        code = Py_CompileStringObject(m->source, fn, Py_file_input, NULL, -1);
    if (code)
        res = PyEval_EvalCode(code, dict, dict);
    Py_XDECREF(res);
    Py_XDECREF(code);
    Py_XDECREF(text);
    Py_XDECREF(fn);
    return res ? 0 : -1;
}

/* A module object for package.name (the package itself for "__init__"),
 * already in sys.modules and set as an attribute of the package. New
 * reference. */
static PyObject *new_module(PyObject *pkg, const char *package,
                            const char *name)
{
    char fullname[NAME_MAX_LEN];
    PyObject *mod;

    if (strcmp(name, "__init__") == 0) {
        Py_INCREF(pkg);
        return pkg;
    }
    snprintf(fullname, sizeof(fullname), "%s.%s", package, name);
    mod = PyModule_New(fullname);
    if (mod &&
        (PyModule_AddStringConstant(mod, "__package__", package) < 0 ||
         PyDict_SetItemString(PyImport_GetModuleDict(), fullname, mod) < 0 ||
         PyObject_SetAttrString(pkg, name, mod) < 0))
        Py_CLEAR(mod);
    return mod;
}

PyObject *lc_pypkg_install(const char *package, const char *dir,
                           const struct lc_pypkg_module *mods, int n)
{
    PyObject *linecache = PyImport_ImportModule("linecache"), *cache = NULL;
    PyObject *pkg = NULL, *path = NULL, *entry = NULL;
    char entry_name[NAME_MAX_LEN];

    if (linecache)
        cache = PyObject_GetAttrString(linecache, "cache");
    if (cache && PyDict_Check(cache))
        pkg = PyModule_New(package);
    path = pkg ? PyList_New(0) : NULL;
    if (!path || PyModule_AddObjectRef(pkg, "__path__", path) < 0 ||
        PyModule_AddStringConstant(pkg, "__package__", package) < 0 ||
        PyDict_SetItemString(PyImport_GetModuleDict(), package, pkg) < 0)
        goto out;
    for (int i = 0; i < n; i++) {
        PyObject *mod = new_module(pkg, package, mods[i].name);
        int rc = mod ? exec_module(mod, cache, dir, &mods[i]) : -1;

        Py_XDECREF(mod);
        if (rc < 0)
            goto out;
    }
    snprintf(entry_name, sizeof(entry_name), "%s.entry", package);
    entry = PyImport_ImportModule(entry_name);
out:
    Py_XDECREF(path);
    Py_XDECREF(pkg);
    Py_XDECREF(cache);
    Py_XDECREF(linecache);
    return entry;
}
