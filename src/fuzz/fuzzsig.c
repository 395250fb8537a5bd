/* Python.h first: it sets the feature macros the C library reads. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "fuzzsig.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "native.h"
#include "pysites.h"

/* Python-allocator survivors read for what they are (pysites.h). */
#define SURVIVORS_READ 4096

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
    "def _fn_name(fn, obj, start, off):\n"
    "    short = obj.split('.')[0] or '?'\n"
    "    if fn:\n"
    "        return '%s@%s' % (fn, short)\n"
    "    if start:\n"
    "        return '0x%x@%s' % (start, short)\n"
    "    return '+0x%x@%s' % (off, short)\n"
    "_entries, _missed = [], set()\n"
    "def _via(lib, entries):\n"
    "    # A stripped function's way in: the first named library frame of i"
    "ts\n"
    "    # object outwards, else the method-table entry (pysites.h) the\n"
    "    # interpreter called it by. The entries are read when first needed"
    ",\n"
    "    # again for a frame none matched (a module imported since), once.\n"
    "    if lib[0][0]:\n"
    "        return None\n"
    "    run = []\n"
    "    for fn, o, start, off in lib[1:]:\n"
    "        if o != lib[0][1]:\n"
    "            break\n"
    "        if fn:\n"
    "            return fn\n"
    "        run.append((o, start))\n"
    "    for again in (False, True):\n"
    "        if again:\n"
    "            if _missed.issuperset(run):\n"
    "                break\n"
    "            _missed.update(run)\n"
    "            _entries[:] = entries()\n"
    "        for o, start in run:\n"
    "            for eo, eoff, name in _entries:\n"
    "                if eo == o and eoff == start:\n"
    "                    return name\n"
    "    return None\n"
    "def _kinds(survivors, key_of, funcs, calls):\n"
    "    for site, o, size in survivors:\n"
    "        key = key_of.get(site)\n"
    "        if key is not None:\n"
    "            what = 'raw-%dB' % size if o is None else _name(type(o))\n"
    "            kinds = funcs[key][3]\n"
    "            kinds[what] = kinds.get(what, 0) + 1\n"
    "def _csite(fuzz, data, calls, min_growth, record):\n"
    "    on = gc.isenabled()\n"
    "    def body():\n"
    "        _calls(fuzz, data, calls)\n"
    "        if on: gc.collect()\n"
    "    raw = record(body)\n"
    "    if raw is None:\n"
    "        return ''\n"
    "    sites, survivors, entries = raw\n"
    "    funcs, key_of = {}, {}\n"
    "    for i, (blocks, nbytes, lib) in enumerate(sites):\n"
    "        if lib:\n"
    "            key = _fn_name(*lib[0])\n"
    "            f = funcs.setdefault(key, [0, 0, None, {}])\n"
    "            f[0] += blocks\n"
    "            f[1] += nbytes\n"
    "            f[2] = f[2] or _via(lib, entries)\n"
    "            key_of[i] = key\n"
    "    _kinds(survivors, key_of, funcs, calls)\n"
    "    del survivors, raw\n"
    "    best = sorted((-f[0], -f[1], key) for key, f in funcs.items()\n"
    "                  if f[0] >= min_growth)\n"
    "    if not best:\n"
    "        return ''\n"
    "    key = best[0][2]\n"
    "    blocks, nbytes, via, kinds = funcs[key]\n"
    "    kinds = sorted(((-n, w) for w, n in kinds.items()))[:4]\n"
    "    keeps = ','.join('%s(%+g/call)' % (w, round(-n / calls, 2))\n"
    "                     for n, w in kinds) or '-'\n"
    "    clean = lambda x: x.replace(' ', '?')\n"
    "    return 'c=%s via=%s keeps=%s ' % (clean(key), clean(via or '-'),\n"
    "                                       clean(keeps))\n"
    "def signature(fuzz, data, calls, min_growth, frames_max, record=None):\n"
    "    csite = _csite(fuzz, data, calls, min_growth, record) if record el"
    "se ''\n"
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
    "                          '%s:%d' % (os.path.basename(f.filename), f.l"
    "ineno)))\n"
    "    del s0, s1\n"
    "    sites = sorted(x[-1] for x in sorted(sites)[:frames_max])\n"
    "    clean = lambda xs: ','.join(x.replace(' ', '?').replace(',', '?')\n"
    "                                for x in xs) or '-'\n"
    "    return '%stypes=%s frames=%s' % (csite, clean(types), clean(sites)"
    ")\n"
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
    "    raise ValueError('%s: no DATA = b\"...\" (not a case leakcheck rep"
    "ro wrote)' % path)\n";

static PyObject *sig_fn;     /* signature() */
static PyObject *input_fn;   /* case_input() */
static PyObject *fuzz_fn;    /* the case's fuzz */
static PyObject *record_fn;  /* record(), below */
static PyObject *entries_fn; /* entries(), below */
static bool csite = true;    /* lc_fuzzsig_csite() */

/* [(function, object, start, offset)] of a site's library frames, from
 * the innermost (native.h). */
static PyObject *frames_list(const struct lc_native_site *site)
{
    PyObject *list = PyList_New(0);

    for (int k = 0; list && k < site->nlib; k++) {
        const struct lc_native_frame *f = &site->lib[k];
        PyObject *t = Py_BuildValue("(ssKK)", f->function, f->object,
                                    (unsigned long long)f->start,
                                    (unsigned long long)f->offset);

        if (!t || PyList_Append(list, t) < 0)
            Py_CLEAR(list);
        Py_XDECREF(t);
    }
    return list;
}

/* [(blocks, bytes, library frames)] of the Python-allocator sites with a
 * library frame (native.h), largest first. */
static PyObject *sites_list(const struct lc_native_report *py)
{
    PyObject *list = PyList_New(0);

    for (int i = 0; list && i < py->nsites; i++) {
        PyObject *t = Py_BuildValue("(LLN)", (long long)py->sites[i].blocks,
                                    (long long)py->sites[i].bytes,
                                    frames_list(&py->sites[i]));

        if (!t || PyList_Append(list, t) < 0)
            Py_CLEAR(list);
        Py_XDECREF(t);
    }
    return list;
}

/* record(fn): call fn() with Python's MEM and OBJ blocks recorded with
 * their C stacks (pysites.h, native.h: the explain pass's recorder), and
 * return (sites, survivors, entries): the sites_list() of the blocks that
 * stayed, what they are (lc_pysites_objects: (site, object or None,
 * bytes)) and entries() below; None when recording cannot start. */
static PyObject *record(PyObject *self, PyObject *fn)
{
    /* static: the reports are large, and the stack is the fuzzer's */
    static struct lc_native_report nat, py;
    struct lc_native_block *blocks = NULL;
    size_t n = 0;
    PyObject *r, *objs, *out;

    (void)self;
    if (lc_native_start_py() < 0)
        Py_RETURN_NONE;
    r = lc_pysites_install() == 0 ? PyObject_CallNoArgs(fn)
                                  : Py_NewRef(Py_None);
    lc_pysites_remove();
    if (lc_native_stop_all(&nat, &py, &blocks, &n) < 0) {
        Py_XDECREF(r);
        Py_RETURN_NONE;
    }
    if (!r) {
        free(blocks);
        return NULL;
    }
    Py_DECREF(r);
    objs = lc_pysites_objects(blocks, n, SURVIVORS_READ);
    free(blocks);
    out = objs ? Py_BuildValue("(NNO)", sites_list(&py), objs, entries_fn)
               : NULL;
    return out;
}

/* entries(): lc_pysites_entry_points(), when a stripped function needs
 * its way in named (it looks at every method of every extension). */
static PyObject *entries(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    return lc_pysites_entry_points();
}

static PyMethodDef entries_def = {"entries", entries, METH_NOARGS,
                                  "the extensions' method-table entries"};

static PyMethodDef record_def = {"record", record, METH_O,
                                 "call fn() with Python's blocks recorded"};

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
    record_fn = PyCFunction_New(&record_def, NULL);
    entries_fn = PyCFunction_New(&entries_def, NULL);
    lc_native_keep_symbols(true); /* a stop per new leak: read them once */
    if (!sig_fn || !input_fn || (s && !fuzz_fn) || !record_fn || !entries_fn)
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

void lc_fuzzsig_csite(bool on)
{
    csite = on;
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
    r = PyObject_CallFunction(sig_fn, "Oy#iiiO", fuzz_fn, (const char *)data,
                              (Py_ssize_t)size, calls, LC_FUZZSIG_MIN_GROWTH,
                              LC_FUZZSIG_FRAMES, csite ? record_fn : Py_None);
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
