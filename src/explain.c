#include <Python.h> /* first: it sets the feature macros */

#include "explain.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "embed.h"
#include "errors.h"
#include "explain_py.h" /* generated from src/explain.py */

#include "buf.h"
#include "signals.h"
#include "worker.h"

/* Report a failure of the pass itself as the two records. */
static int fail(const char *what, const char *msg, char **json_out,
                char **text_out)
{
    char json[LC_MSG_MAX + 64], text[LC_MSG_MAX + 64];
    PyObject *s, *dumped = NULL, *mod;

    snprintf(text, sizeof(text), "explanation failed in %s:\n%s", what, msg);
    /* json.dumps escapes the message properly when Python is up. */
    s = Py_IsInitialized() ? PyUnicode_FromString(text) : NULL;
    mod = s ? PyImport_ImportModule("json") : NULL;
    if (mod)
        dumped = PyObject_CallMethod(mod, "dumps", "O", s);
    if (dumped && PyUnicode_Check(dumped))
        snprintf(json, sizeof(json), "{\"error\": %s}",
                 PyUnicode_AsUTF8(dumped));
    else
        snprintf(json, sizeof(json), "{\"error\": \"explanation failed\"}");
    PyErr_Clear();
    Py_XDECREF(dumped);
    Py_XDECREF(mod);
    Py_XDECREF(s);
    *json_out = strdup(json);
    *text_out = strdup(text);
    return *json_out && *text_out ? 0 : -LC_ENOMEM;
}

/* The verdict's growing signals as {"py_blocks": 1.0, "fds": 1.0}. */
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

static PyObject *explain_namespace(char *err, size_t errlen)
{
    PyObject *ns = PyDict_New(), *code = NULL, *res = NULL;

    if (!ns)
        goto out;
    PyDict_SetItemString(ns, "__builtins__", PyEval_GetBuiltins());
    code = Py_CompileString(explain_py, "<leakcheck explain.py>",
                            Py_file_input);
    if (code)
        res = PyEval_EvalCode(code, ns, ns);
out:
    if (!res) {
        lc_embed_take_error(err, errlen);
        Py_CLEAR(ns);
    }
    Py_XDECREF(res);
    Py_XDECREF(code);
    return ns;
}

int lc_explain_run(const struct lc_explain_job *job, char **json,
                   char **text)
{
    struct lc_embed_opts eo = {.hooks = true};
    static char msg[LC_MSG_MAX];
    struct lc_script *script = NULL;
    PyObject *ns = NULL, *state = NULL, *out = NULL, *growth = NULL;
    long iterations = job->iterations < 1 ? 1 : job->iterations;
    enum lc_phase phase;

    *json = *text = NULL;
    if (lc_worker_open(&eo, job->path, &script, &phase, msg, sizeof(msg)))
        return fail(lc_phase_name(phase), msg, json, text);
    /* Warm up longer than the verdict did: one-time growth (imports, first
     * fills) must not be taken for what keeps growing. */
    for (long i = 0; i < job->warmup + 20; i++)
        if (lc_script_call(script, LC_ENTRY_RUN, msg, sizeof(msg)))
            return fail("run", msg, json, text);

    ns = explain_namespace(msg, sizeof(msg));
    if (!ns)
        return fail("explain.py", msg, json, text);
    state = PyObject_CallFunction(PyDict_GetItemString(ns, "begin"), "Oi",
                                  lc_script_module(script), job->depth);
    if (!state)
        goto out_python_error;

    for (long i = 0; i < iterations; i++)
        if (lc_script_call(script, LC_ENTRY_RUN, msg, sizeof(msg)))
            return fail("run", msg, json, text);

    growth = growth_dict(job);
    if (!growth)
        goto out_python_error;
    out = PyObject_CallFunction(PyDict_GetItemString(ns, "finish"), "OldOz",
                                state, iterations,
                                job->per_iter[LC_SIG_NATIVE], growth,
                                job->dot_path);
    if (!out || !PyTuple_Check(out) || PyTuple_GET_SIZE(out) != 2)
        goto out_python_error;
    for (int i = 0; i < 2; i++) {
        const char *s = PyUnicode_AsUTF8(PyTuple_GET_ITEM(out, i));

        if (!s)
            goto out_python_error;
        *(i ? text : json) = strdup(s);
    }
    return *json && *text ? 0 : -LC_ENOMEM;

out_python_error:
    if (PyErr_Occurred())
        lc_embed_take_error(msg, sizeof(msg));
    else
        snprintf(msg, sizeof(msg), "explain.py returned no (json, text)");
    return fail("explain.py", msg, json, text);
}
