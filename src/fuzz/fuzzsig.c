/* Python.h first: it sets the feature macros the C library reads. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "fuzzsig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"

/* The helper, in a namespace of its own (never the case's, never
 * __main__). Exceptions of fuzz() are outcomes, as in the oracle. */
static const char helper_src[] =
    "import gc, os, sys, tracemalloc\n"
    "def _census():\n"
    "    counts = {}\n"
    "    for o in gc.get_objects():\n"
    "        t = type(o)\n"
    "        counts[t] = counts.get(t, 0) + 1\n"
    "    return counts\n"
    "def _name(t):\n"
    "    m = getattr(t, '__module__', None)\n"
    "    q = getattr(t, '__qualname__', None) or t.__name__\n"
    "    return q if m in (None, 'builtins') else m + '.' + q\n"
    "def _calls(fuzz, data, n):\n"
    "    for _ in range(n):\n"
    "        try:\n"
    "            fuzz(data)\n"
    "        except BaseException:\n"
    "            pass\n"
    "def signature(fuzz, data, calls, min_growth, frames_max):\n"
    "    on = gc.isenabled()\n"
    "    if on: gc.collect()\n"
    "    before = _census()\n"
    "    _calls(fuzz, data, calls)\n"
    "    if on: gc.collect()\n"
    "    after = _census()\n"
    "    after[dict] = after.get(dict, 0) - 1  # before itself\n"
    "    types = sorted(_name(t) for t, n in after.items()\n"
    "                   if n - before.get(t, 0) >= min_growth)\n"
    "    del before, after\n"
    "    tracemalloc.start(1)\n"
    "    try:\n"
    "        s0 = tracemalloc.take_snapshot()\n"
    "        _calls(fuzz, data, calls)\n"
    "        if on: gc.collect()\n"
    "        s1 = tracemalloc.take_snapshot()\n"
    "    finally:\n"
    "        tracemalloc.stop()\n"
    "    me = ('<leakcheck-fuzzsig>', tracemalloc.__file__)\n"
    "    sites = []\n"
    "    for st in s1.compare_to(s0, 'lineno'):\n"
    "        f = st.traceback[0]\n"
    "        if st.count_diff >= min_growth and f.filename not in me:\n"
    "            sites.append((-st.count_diff, -st.size_diff,\n"
    "                          '%s:%d' % (os.path.basename(f.filename), "
    "f.lineno)))\n"
    "    del s0, s1\n"
    "    sites = sorted(x[-1] for x in sorted(sites)[:frames_max])\n"
    "    clean = lambda xs: ','.join(x.replace(' ', '?').replace(',', '?')\n"
    "                                for x in xs) or '-'\n"
    "    return 'types=%s frames=%s' % (clean(types), clean(sites))\n"
    "def case_input(path):\n"
    "    import ast\n"
    "    with open(path, 'rb') as f:\n"
    "        tree = ast.parse(f.read(), path)\n"
    "    for node in tree.body:\n"
    "        if (isinstance(node, ast.Assign) and len(node.targets) == 1\n"
    "                and getattr(node.targets[0], 'id', None) == 'DATA'):\n"
    "            v = ast.literal_eval(node.value)\n"
    "            if isinstance(v, bytes):\n"
    "                return v\n"
    "    raise ValueError('%s: no DATA = b\"...\" (not a case leakcheck "
    "repro wrote)' % path)\n";

static PyObject *sig_fn;   /* signature() */
static PyObject *input_fn; /* case_input() */
static PyObject *fuzz_fn;  /* the case's fuzz */

static int error_text(char *out, size_t cap)
{
    PyObject *type, *value, *tb, *s = NULL;
    const char *text = NULL;

    PyErr_Fetch(&type, &value, &tb);
    if (value)
        s = PyObject_Str(value);
    if (s)
        text = PyUnicode_AsUTF8(s);
    snprintf(out, cap, "%s", text ? text : "unknown error");
    Py_XDECREF(s);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    PyErr_Clear();
    return -LC_EPYTHON;
}

int lc_fuzzsig_init(struct lc_script *s, char *err, size_t errlen)
{
    PyObject *ns = PyDict_New(), *code = NULL, *r = NULL;
    int rc = -LC_EPYTHON;

    if (!ns)
        return error_text(err, errlen);
    if (PyDict_SetItemString(ns, "__builtins__", PyEval_GetBuiltins()))
        goto out;
    code = Py_CompileString(helper_src, "<leakcheck-fuzzsig>", Py_file_input);
    if (!code)
        goto out;
    r = PyEval_EvalCode(code, ns, ns);
    if (!r)
        goto out;
    sig_fn = PyDict_GetItemString(ns, "signature");
    input_fn = PyDict_GetItemString(ns, "case_input");
    if (s)
        fuzz_fn = PyObject_GetAttrString(lc_script_module(s), "fuzz");
    if (!sig_fn || !input_fn || (s && !fuzz_fn))
        goto out;
    Py_INCREF(sig_fn);
    Py_INCREF(input_fn);
    rc = 0;
out:
    if (rc)
        error_text(err, errlen);
    Py_XDECREF(r);
    Py_XDECREF(code);
    Py_DECREF(ns); /* the functions keep their globals */
    return rc;
}

int lc_fuzzsig_compute(const uint8_t *data, size_t size, int calls, char *out,
                       size_t cap)
{
    PyObject *r;
    const char *text;

    if (!sig_fn || !fuzz_fn) {
        snprintf(out, cap, "types=? frames=?");
        return -LC_EPYTHON;
    }
    r = PyObject_CallFunction(sig_fn, "Oy#iii", fuzz_fn, (const char *)data,
                              (Py_ssize_t)size, calls, LC_FUZZSIG_MIN_GROWTH,
                              LC_FUZZSIG_FRAMES);
    if (!r)
        return error_text(out, cap);
    text = PyUnicode_AsUTF8(r);
    if (!text) {
        Py_DECREF(r);
        return error_text(out, cap);
    }
    snprintf(out, cap, "%s", text);
    Py_DECREF(r);
    return 0;
}

int lc_fuzzsig_case_input(const char *path, uint8_t **data, size_t *size,
                          char *err, size_t errlen)
{
    PyObject *r;
    char *buf;
    Py_ssize_t n;

    if (!input_fn) {
        snprintf(err, errlen, "fuzzsig not initialized");
        return -LC_EINPUT;
    }
    r = PyObject_CallFunction(input_fn, "s", path);
    if (!r) {
        error_text(err, errlen);
        return -LC_EINPUT;
    }
    if (PyBytes_AsStringAndSize(r, &buf, &n) < 0) {
        Py_DECREF(r);
        error_text(err, errlen);
        return -LC_EINPUT;
    }
    *data = malloc(n ? (size_t)n : 1);
    if (!*data) {
        Py_DECREF(r);
        snprintf(err, errlen, "out of memory");
        return -LC_EINPUT;
    }
    memcpy(*data, buf, (size_t)n);
    *size = (size_t)n;
    Py_DECREF(r);
    return 0;
}
