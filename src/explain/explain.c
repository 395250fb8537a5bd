#include <Python.h> /* first: it sets the feature macros */

#include "explain.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "embed.h"
#include "errors.h"
#include "native.h"
#include "signals.h"
#include "pypkg.h"
#include "pysites.h"
#include "refgrowth.h"
#include "session.h"
#include "explain_modules.h" /* generated from src/explain/modules.txt */

/* The package the modules are installed under (pypkg.h): their code
 * filenames are "<leakcheck>/explain/NAME.py", a prefix no real file has,
 * by which explain tells its own frames apart (src/explain/safe.py).
 * tests/explain/explain_loader.py uses the same. */
#define PACKAGE "_leakcheck_explain"

/* JSON string body of s (no quotes), escaped, in a malloc'd string. */
static char *json_escape(const char *s)
{
    size_t n = strlen(s), used = 0;
    char *out = malloc(6 * n + 1); /* \u00XX is the longest escape */

    if (!out)
        return NULL;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '"' || c == '\\') {
            out[used++] = '\\';
            out[used++] = (char)c;
        } else if (c == '\n') {
            out[used++] = '\\';
            out[used++] = 'n';
        } else if (c < 0x20) {
            used += (size_t)sprintf(out + used, "\\u%04x", c);
        } else {
            out[used++] = (char)c;
        }
    }
    out[used] = '\0';
    return out;
}

/* The two texts of a pass that failed in `what`, made in C: Python may be
 * the thing that failed. */
static int fail(const char *what, const char *msg, char **json, char **text)
{
    static const char fmt[] = "explanation failed in %s:\n%s";
    size_t n = strlen(what) + strlen(msg) + sizeof(fmt);
    char *esc;

    *json = NULL;
    *text = malloc(n);
    if (!*text)
        return -LC_ENOMEM;
    snprintf(*text, n, fmt, what, msg);
    esc = json_escape(*text);
    if (esc) {
        n = strlen(esc) + sizeof("{\"error\": \"\"}");
        *json = malloc(n);
        if (*json)
            snprintf(*json, n, "{\"error\": \"%s\"}", esc);
        free(esc);
    }
    if (!*json) {
        free(*text);
        *text = NULL;
        return -LC_ENOMEM;
    }
    return 0;
}

/* The native sites (native.h) as the module _leakcheck_native, which
 * entry.py calls around the measured run() calls:
 *   start() -> bool: recording began (False: this program cannot)
 *   stop() -> dict of the survivors, or None when not started */

static PyObject *native_start(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    return PyBool_FromLong(lc_native_start() == 0);
}

static PyObject *frame_dict(const struct lc_native_frame *f)
{
    return Py_BuildValue("{s:s,s:s,s:z,s:i,s:K}", "function", f->function,
                         "object", f->object, "file",
                         f->file[0] ? f->file : NULL, "line", f->line,
                         "offset", (unsigned long long)f->offset);
}

/* The sites as a list of dicts, or NULL with an exception set. */
static PyObject *native_sites_list(const struct lc_native_report *r)
{
    PyObject *list = PyList_New(0);

    for (int i = 0; list && i < r->nsites; i++) {
        const struct lc_native_site *s = &r->sites[i];
        PyObject *frames = PyList_New(0), *d = NULL;

        for (int k = 0; frames && k < s->nframes; k++) {
            PyObject *f = frame_dict(&s->frames[k]);

            if (!f || PyList_Append(frames, f) < 0)
                Py_CLEAR(frames);
            Py_XDECREF(f);
        }
        if (frames)
            d = Py_BuildValue(
                "{s:L,s:L,s:O,s:N}", "bytes", (long long)s->bytes, "blocks",
                (long long)s->blocks, "truncated",
                s->truncated ? Py_True : Py_False, "frames", frames);
        if (!d || PyList_Append(list, d) < 0)
            Py_CLEAR(list);
        Py_XDECREF(d);
    }
    return list;
}

static PyObject *native_funcs_list(const struct lc_native_report *r)
{
    PyObject *list = PyList_New(0);

    for (int i = 0; list && i < r->nfuncs; i++) {
        const struct lc_native_func *fn = &r->funcs[i];
        PyObject *d = frame_dict(&fn->frame), *v = NULL;

        if (d)
            v = Py_BuildValue("(LLi)", (long long)fn->bytes,
                              (long long)fn->blocks, fn->sites);
        if (!v || PyDict_SetItemString(d, "bytes", PyTuple_GET_ITEM(v, 0)) ||
            PyDict_SetItemString(d, "blocks", PyTuple_GET_ITEM(v, 1)) ||
            PyDict_SetItemString(d, "sites", PyTuple_GET_ITEM(v, 2)) ||
            PyList_Append(list, d) < 0)
            Py_CLEAR(list);
        Py_XDECREF(v);
        Py_XDECREF(d);
    }
    return list;
}

/* One report (native.h) as a dict. */
static PyObject *report_dict(const struct lc_native_report *r)
{
    return Py_BuildValue(
        "{s:L,s:L,s:L,s:L,s:d,s:N,s:N}", "bytes", (long long)r->bytes,
        "blocks", (long long)r->blocks, "stacks", (long long)r->stacks,
        "untracked", (long long)r->untracked, "elapsed_s", r->elapsed_s,
        "sites", native_sites_list(r), "functions", native_funcs_list(r));
}

/* Python-allocator survivors read for what they are: at most this many. */
#define PY_BLOCKS_READ 20000

static PyObject *native_stop(PyObject *self, PyObject *unused)
{
    /* static: a malloc here would be recorded (it is still on) */
    static struct lc_native_report report, pyreport;
    struct lc_native_block *blocks = NULL;
    size_t nblocks = 0;
    PyObject *out = NULL, *objs, *py;

    (void)self;
    (void)unused;
    lc_pysites_remove();
    if (lc_native_stop_all(&report, &pyreport, &blocks, &nblocks) < 0)
        Py_RETURN_NONE;
    objs = lc_pysites_objects(blocks, nblocks, PY_BLOCKS_READ);
    free(blocks);
    if (objs)
        out = report_dict(&report);
    py = out ? report_dict(&pyreport) : NULL;
    if (!py || PyDict_SetItemString(out, "py", py) < 0 ||
        PyDict_SetItemString(out, "py_survivors", objs) < 0)
        Py_CLEAR(out);
    Py_XDECREF(py);
    Py_XDECREF(objs);
    return out;
}

/* Also note Python's MEM and OBJ blocks from now on (pysites.h). */
static PyObject *native_py_start(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    return PyBool_FromLong(lc_native_tracking && lc_pysites_install() == 0);
}

/* Stop noting Python's blocks (native ones go on until stop()). */
static PyObject *native_py_stop(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    lc_pysites_remove();
    Py_RETURN_NONE;
}

static PyObject *native_entry_points(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    return lc_pysites_entry_points();
}

static PyMethodDef native_methods[] = {
    {"start", native_start, METH_NOARGS, "start recording native blocks"},
    {"stop", native_stop, METH_NOARGS, "stop; the survivors by stack"},
    {"py_start", native_py_start, METH_NOARGS,
     "also record Python's MEM and OBJ blocks"},
    {"py_stop", native_py_stop, METH_NOARGS, "stop recording Python's blocks"},
    {"entry_points", native_entry_points, METH_NOARGS,
     "[(object, offset, name)] of extensions' method tables"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef native_module = {
    PyModuleDef_HEAD_INIT,
    "_leakcheck_native",
    "Native allocation sites of the explain pass (src/probe/native.h).",
    -1,
    native_methods,
    NULL,
    NULL,
    NULL,
    NULL,
};

/* sys.modules["_leakcheck_native"], when this program carries the
 * allocator functions; without them entry.py reports why there are no
 * native sites. */
static int install_native(void)
{
    PyObject *mod;
    int rc;

    if (!lc_native_available())
        return 0;
    lc_native_prepare(); /* its descriptors are ours, not the case's */
    mod = PyModule_Create(&native_module);
    if (!mod)
        return -1;
    rc = PyDict_SetItemString(PyImport_GetModuleDict(), "_leakcheck_native",
                              mod);
    Py_DECREF(mod);
    return rc;
}

/* The native sites module, then the package (pypkg.h): its entry module
 * (new reference), or NULL with a Python exception set. */
static PyObject *install_package(void)
{
    if (install_native() < 0 || lc_refgrowth_install() < 0)
        return NULL;
    return lc_pypkg_install(PACKAGE, "explain", explain_modules,
                            explain_modules_COUNT);
}

/* The verdict's growing signals as {name: growth per iteration}. */
static PyObject *growth_dict(const struct lc_explain_job *job)
{
    PyObject *d = PyDict_New();

    for (int s = 0; d && s < LC_SIG_COUNT; s++) {
        PyObject *v;

        if (!(job->growing & (1u << s)))
            continue;
        v = PyFloat_FromDouble(job->per_iter[s]);
        if (!v || PyDict_SetItemString(d, lc_signal_name(s), v) < 0)
            Py_CLEAR(d);
        Py_XDECREF(v);
    }
    return d;
}

/* A malloc'd copy of a str's UTF-8, or NULL with an exception set. */
static char *copy_str(PyObject *s)
{
    Py_ssize_t n;
    const char *p = PyUnicode_AsUTF8AndSize(s, &n);
    char *out = p ? malloc((size_t)n + 1) : NULL;

    if (p && !out)
        PyErr_NoMemory();
    if (out)
        memcpy(out, p, (size_t)n + 1);
    return out;
}

/* What is explained: a module, and the callable that is one iteration
 * (NULL: the module's run()) with the test's id (NULL for a case). */
struct target {
    PyObject *module;
    PyObject *step;
    const char *test;
};

/* entry.run(module, iterations=, warmup=, depth=, growth=, native_per_iter=,
 * dot_path=, step=, test=) -> (json, text), copied out. -LC_EPYTHON with
 * err filled. */
static int analyse(const struct lc_explain_job *job, const struct target *t,
                   char **json, char **text, char *err, size_t errlen)
{
    PyObject *entry = install_package(), *run = NULL, *kw = NULL;
    PyObject *out = NULL;

    *json = *text = NULL;
    if (entry)
        run = PyObject_GetAttrString(entry, "run");
    if (run)
        kw = Py_BuildValue("{s:l,s:l,s:i,s:N,s:d,s:z,s:O,s:z}", "iterations",
                           job->iterations, "warmup", job->warmup, "depth",
                           job->depth, "growth", growth_dict(job),
                           "native_per_iter", job->per_iter[LC_SIG_NATIVE],
                           "dot_path", job->dot_path, "step",
                           t->step ? t->step : Py_None, "test", t->test);
    if (kw)
        out = PyObject_VectorcallDict(run, (PyObject *[]){t->module}, 1, kw);
    if (out && (!PyTuple_Check(out) || PyTuple_GET_SIZE(out) != 2))
        PyErr_SetString(PyExc_TypeError,
                        "entry.run() returned no (json, text) tuple");
    else if (out && (*json = copy_str(PyTuple_GET_ITEM(out, 0))))
        *text = copy_str(PyTuple_GET_ITEM(out, 1));
    Py_XDECREF(out);
    Py_XDECREF(kw);
    Py_XDECREF(run);
    Py_XDECREF(entry);
    if (*text)
        return 0;
    free(*json);
    *json = NULL;
    if (PyErr_Occurred())
        return lc_embed_take_error(err, errlen);
    snprintf(err, errlen, "no explanation was made");
    return -LC_EPYTHON;
}

int lc_explain_run(const struct lc_explain_job *job, char **json, char **text)
{
    struct lc_embed_opts eo = {.hooks = true};
    static char msg[LC_MSG_MAX];
    struct lc_script *script = NULL;
    enum lc_phase opened;
    const char *phase;

    *json = *text = NULL;
    if (lc_session_open(&eo, job->path, job->progress_fd, &script, &opened,
                        msg, sizeof(msg))) {
        phase = opened == LC_PHASE_WORKER ? "start" : lc_phase_name(opened);
        goto out_fail;
    }
    phase = PACKAGE ".entry.run()";
    lc_session_mark(job->progress_fd, LC_PHASE_RUN);
    if (analyse(job, &(struct target){lc_script_module(script), NULL, NULL},
                json, text, msg, sizeof(msg)))
        goto out_fail;
    phase = "teardown";
    lc_session_mark(job->progress_fd, LC_PHASE_TEARDOWN);
    if (lc_script_call(script, LC_ENTRY_TEARDOWN, msg, sizeof(msg))) {
        free(*json);
        free(*text);
        goto out_fail;
    }
    lc_script_free(script);
    return 0;
out_fail:
    lc_script_free(script);
    return fail(phase, msg, json, text);
}

int lc_explain_run_subject(const struct lc_explain_job *job,
                           const struct lc_explain_subject *subject,
                           char **json, char **text)
{
    struct lc_embed_opts eo = {.hooks = true};
    static char msg[LC_MSG_MAX];
    struct target t = {.test = subject->test};
    const char *phase = "start";
    int rc;

    *json = *text = NULL;
    if (lc_session_start(&eo, msg, sizeof(msg)))
        return fail(phase, msg, json, text);
    lc_session_mark(job->progress_fd, LC_PHASE_LOAD);
    if (subject->open(subject->ctx, &t.module, &t.step, &phase, msg,
                      sizeof(msg)))
        return fail(phase, msg, json, text);
    lc_session_mark(job->progress_fd, LC_PHASE_RUN);
    rc = analyse(job, &t, json, text, msg, sizeof(msg));
    Py_CLEAR(t.step);
    Py_CLEAR(t.module);
    if (rc) {
        static char ignored[LC_MSG_MAX]; /* the first failure is the one */

        subject->close(subject->ctx, ignored, sizeof(ignored));
        return fail(PACKAGE ".entry.run()", msg, json, text);
    }
    lc_session_mark(job->progress_fd, LC_PHASE_TEARDOWN);
    if (subject->close(subject->ctx, msg, sizeof(msg))) {
        free(*json);
        free(*text);
        return fail("teardown", msg, json, text);
    }
    return 0;
}
