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

#define RESULT_FD 3

void lc_explain_args(const struct lc_case *c, const struct lc_result *r,
                     const struct lc_explain_opts *o, char *growth_buf,
                     char num_bufs[4][32], const char *argv[7])
{
    size_t used = 0;

    growth_buf[0] = '\0';
    for (int s = 0; r && s < LC_SIG_COUNT; s++) {
        int n;

        if (!(r->leaking & (1u << s)))
            continue;
        n = snprintf(growth_buf + used, LC_GROWTH_ARG_MAX - used, "%s%s=%.9g",
                     used ? "," : "", lc_signal_name(s), r->trend[s].per_iter);
        if (n < 0 || (size_t)n >= LC_GROWTH_ARG_MAX - used)
            break;
        used += (size_t)n;
    }
    if (used == 0)
        snprintf(growth_buf, LC_GROWTH_ARG_MAX, "-");
    snprintf(num_bufs[0], 32, "%ld", c->warmup);
    snprintf(num_bufs[1], 32, "%ld", o->iterations);
    snprintf(num_bufs[2], 32, "%d", o->depth);
    snprintf(num_bufs[3], 32, "%.9g", r ? r->trend[LC_SIG_NATIVE].per_iter : 0);
    argv[0] = num_bufs[0];
    argv[1] = num_bufs[1];
    argv[2] = num_bufs[2];
    argv[3] = growth_buf;
    argv[4] = num_bufs[3];
    argv[5] = o->dot_path ? o->dot_path : "-";
    argv[6] = c->path;
}

int lc_explain_parse(const char *buf, size_t len, char **json, char **text)
{
    char **out[2] = {json, text};
    size_t pos = 0;

    *json = *text = NULL;
    for (int i = 0; i < 2; i++) {
        uint32_t n;

        if (len - pos < sizeof(n))
            goto out_bad;
        memcpy(&n, buf + pos, sizeof(n));
        pos += sizeof(n);
        if (n > len - pos)
            goto out_bad;
        *out[i] = malloc((size_t)n + 1);
        if (!*out[i])
            goto out_bad;
        memcpy(*out[i], buf + pos, n);
        (*out[i])[n] = '\0';
        pos += n;
    }
    return 0;
out_bad:
    free(*json);
    free(*text);
    *json = *text = NULL;
    return -LC_EIO;
}

static void write_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;

    while (n > 0) {
        ssize_t w = write(fd, p, n);

        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

static void write_record(const char *s, size_t n)
{
    uint32_t len = (uint32_t)n;

    write_all(RESULT_FD, &len, sizeof(len));
    write_all(RESULT_FD, s, n);
}

/* Report a failure of the pass itself as the two records. */
static int fail(const char *what, const char *msg)
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
    write_record(json, strlen(json));
    write_record(text, strlen(text));
    return 0;
}

/* "py_blocks=1,fds=1" -> {"py_blocks": 1.0, "fds": 1.0}. */
static PyObject *growth_dict(const char *spec)
{
    PyObject *d = PyDict_New();
    const char *p = spec;

    if (!d || strcmp(spec, "-") == 0)
        return d;
    while (*p) {
        const char *eq = strchr(p, '='), *comma;
        PyObject *v, *k;

        if (!eq)
            break;
        comma = strchr(eq, ',');
        k = PyUnicode_FromStringAndSize(p, eq - p);
        v = PyFloat_FromDouble(strtod(eq + 1, NULL));
        if (k && v)
            PyDict_SetItem(d, k, v);
        Py_XDECREF(k);
        Py_XDECREF(v);
        if (!comma)
            break;
        p = comma + 1;
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

int lc_explain_worker_main(int argc, char **argv)
{
    struct lc_embed_opts eo = {.hooks = true};
    static char msg[LC_MSG_MAX];
    struct lc_script *script = NULL;
    PyObject *ns = NULL, *state = NULL, *out = NULL, *growth = NULL;
    long warmup, iterations;
    int depth;
    const char *dot;
    double native;

    if (argc != 7) {
        fprintf(stderr, "leakcheck __explain: expected WARMUP ITERATIONS "
                        "DEPTH GROWTH NATIVE DOT PATH\n");
        return 2;
    }
    warmup = strtol(argv[0], NULL, 10);
    iterations = strtol(argv[1], NULL, 10);
    depth = (int)strtol(argv[2], NULL, 10);
    native = strtod(argv[4], NULL);
    dot = strcmp(argv[5], "-") == 0 ? NULL : argv[5];
    if (iterations < 1)
        iterations = 1;

    if (lc_embed_start(&eo, msg, sizeof(msg)))
        return fail("start", msg);
    if (lc_script_load(argv[6], &script, msg, sizeof(msg)))
        return fail("load", msg);
    if (lc_script_call(script, LC_ENTRY_SETUP, msg, sizeof(msg)))
        return fail("setup", msg);
    /* Warm up longer than the verdict did: one-time growth (imports, first
     * fills) must not be taken for what keeps growing. */
    for (long i = 0; i < warmup + 20; i++)
        if (lc_script_call(script, LC_ENTRY_RUN, msg, sizeof(msg)))
            return fail("run", msg);

    ns = explain_namespace(msg, sizeof(msg));
    if (!ns)
        return fail("explain.py", msg);
    state = PyObject_CallFunction(PyDict_GetItemString(ns, "begin"), "Oi",
                                  lc_script_module(script), depth);
    if (!state)
        goto out_python_error;

    for (long i = 0; i < iterations; i++)
        if (lc_script_call(script, LC_ENTRY_RUN, msg, sizeof(msg)))
            return fail("run", msg);

    growth = growth_dict(argv[3]);
    if (!growth)
        goto out_python_error;
    out = PyObject_CallFunction(PyDict_GetItemString(ns, "finish"), "OldOz",
                                state, iterations, native, growth, dot);
    if (!out || !PyTuple_Check(out) || PyTuple_GET_SIZE(out) != 2)
        goto out_python_error;
    for (int i = 0; i < 2; i++) {
        Py_ssize_t n;
        const char *s = PyUnicode_AsUTF8AndSize(PyTuple_GET_ITEM(out, i), &n);

        if (!s)
            goto out_python_error;
        write_record(s, (size_t)n);
    }
    return 0;

out_python_error:
    if (PyErr_Occurred())
        lc_embed_take_error(msg, sizeof(msg));
    else
        snprintf(msg, sizeof(msg), "explain.py returned no (json, text)");
    return fail("explain.py", msg);
}
