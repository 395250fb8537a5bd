/* Python.h first: it sets the feature macros the C library reads. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "embed.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "errors.h"

#ifndef LC_PYTHON_EXECUTABLE
#error "LC_PYTHON_EXECUTABLE must name the interpreter we build against"
#endif

struct lc_script {
    PyObject *module;
    PyObject *fn[LC_ENTRY_COUNT]; /* NULL when not defined */
};

static const char *const entry_names[LC_ENTRY_COUNT] = {"setup", "run",
                                                        "teardown", "fuzz"};
static bool started;
static char executable[512];

/* Room kept for the cut marker "\n[... N bytes cut ...]\n". */
#define CUT_MARKER_MAX 48

/* Step back from i to the start of a UTF-8 sequence, so a cut never splits
 * a character. */
static size_t char_start(const char *text, size_t i)
{
    while (i > 0 && ((unsigned char)text[i] & 0xC0) == 0x80)
        i--;
    return i;
}

/* Copy text to err. Text that does not fit keeps its head and its tail
 * with a marker saying how many bytes were cut between them: a traceback's
 * last line is the exception, the one line a reader needs, so the tail
 * holds that whole line whenever it fits in 7/8 of the buffer. */
static void copy_message(char *err, size_t errlen, const char *text)
{
    size_t n = strlen(text), room, head, tail, last;
    char marker[CUT_MARKER_MAX];
    int mlen;

    if (errlen == 0)
        return;
    if (n < errlen) {
        memcpy(err, text, n + 1);
        return;
    }
    if (errlen < 4 * CUT_MARKER_MAX) { /* too small for two parts */
        memcpy(err, text, errlen - 1);
        err[char_start(text, errlen - 1)] = '\0';
        return;
    }
    room = errlen - 1 - CUT_MARKER_MAX;
    last = n;
    while (last > 0 && text[last - 1] == '\n')
        last--;
    while (last > 0 && text[last - 1] != '\n')
        last--;
    tail = room / 2;
    if (n - last > tail && n - last <= room - room / 8)
        tail = n - last;
    head = char_start(text, room - tail);
    tail = n - char_start(text, n - tail);
    if (tail > room - head) /* the start moved back past a character */
        tail = n - char_start(text, n - (room - head) + 3);
    mlen = snprintf(marker, sizeof(marker), "\n[... %zu bytes cut ...]\n",
                    n - head - tail);
    memcpy(err, text, head);
    memcpy(err + head, marker, (size_t)mlen);
    memcpy(err + head + mlen, text + n - tail, tail);
    err[head + mlen + tail] = '\0';
}

/* Turn the pending exception into text in err; clears it. */
static int capture_exception(char *err, size_t errlen)
{
    PyObject *type, *value, *tb, *mod = NULL, *lines = NULL, *text = NULL;
    PyObject *bytes = NULL;
    const char *utf8 = NULL;
    bool nomem;

    PyErr_Fetch(&type, &value, &tb);
    if (!type) {
        copy_message(err, errlen, "error without a Python exception");
        return -LC_EPYTHON;
    }
    PyErr_NormalizeException(&type, &value, &tb);
    nomem = PyErr_GivenExceptionMatches(type, PyExc_MemoryError);
    if (tb && value)
        PyException_SetTraceback(value, tb);
    mod = PyImport_ImportModule("traceback");
    if (mod)
        lines =
            PyObject_CallMethod(mod, "format_exception", "OOO", type,
                                value ? value : Py_None, tb ? tb : Py_None);
    if (lines) {
        PyObject *empty = PyUnicode_FromString("");

        if (empty) {
            text = PyUnicode_Join(empty, lines);
            Py_DECREF(empty);
        }
    }
    if (!text) {
        PyErr_Clear();
        text = value ? PyObject_Str(value) : NULL;
    }
    /* A lone surrogate ('\udc80', or a file name decoded with
     * surrogateescape) has no UTF-8 form: show it escaped. */
    if (text && PyUnicode_Check(text))
        bytes = PyUnicode_AsEncodedString(text, "utf-8", "backslashreplace");
    if (bytes)
        utf8 = PyBytes_AsString(bytes);
    if (!utf8) {
        PyErr_Clear();
        utf8 = "exception (its text could not be formatted)";
    }
    copy_message(err, errlen, utf8);
    Py_XDECREF(bytes);
    Py_XDECREF(text);
    Py_XDECREF(lines);
    Py_XDECREF(mod);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    return nomem ? -LC_ENOMEM : -LC_EPYTHON;
}

static int status_error(PyStatus st, const char *what, char *err,
                        size_t errlen)
{
    snprintf(err, errlen, "%s: %s%s%s", what, st.func ? st.func : "",
             st.func ? ": " : "", st.err_msg ? st.err_msg : "failed");
    return -LC_EINTERP;
}

/* The one variable of the environment honoured: PYTHONPATH is how a
 * project points at its own package and extensions. Its entries go first
 * on sys.path, before the standard library, as python3.11 puts them (the
 * case's folder goes before them when it loads). The isolated config
 * ignores the rest: PYTHONMALLOC would change what is measured. */
static int add_pythonpath(char *err, size_t errlen)
{
    static const char code[] =
        "def _lc_add_pythonpath():\n"
        "    import os, sys\n"
        "    sys.path[0:0] = [p for p in os.environ.get('PYTHONPATH', '')"
        ".split(os.pathsep) if p]\n"
        "_lc_add_pythonpath()\n"
        "del _lc_add_pythonpath\n";

    if (!getenv("PYTHONPATH") || !*getenv("PYTHONPATH"))
        return 0;
    return lc_embed_exec(code, err, errlen) < 0 ? -1 : 0;
}

int lc_embed_start(const struct lc_embed_opts *opts, char *err, size_t errlen)
{
    PyPreConfig pre;
    PyConfig config;
    PyStatus st;
    PyObject *exe;

    if (started) {
        snprintf(err, errlen, "the interpreter is already started");
        return -LC_EINTERP;
    }
    /* What python3.11 does for itself only with install_signal_handlers,
     * which stays 0 so the runner owns SIGINT and SIGTERM: a write to a
     * closed pipe or past RLIMIT_FSIZE raises BrokenPipeError or OSError
     * instead of killing the worker (CPython's test_ssl died of SIGPIPE).
     * subprocess restores both to SIG_DFL in the children it starts. */
    signal(SIGPIPE, SIG_IGN);
    signal(SIGXFSZ, SIG_IGN);

    /* Isolated: PYTHONMALLOC and friends are ignored, so the allocator is
     * chosen here. The locale is configured as `python3.11 -I` does (the
     * isolated pre-config leaves LC_CTYPE at "C", so file names and stdio
     * were ascii even under LANG=C.UTF-8): LC_CTYPE from the environment,
     * a C or POSIX one coerced to C.UTF-8 (PEP 538) and UTF-8 mode on
     * under it (PEP 540). Compared with the real python3.11 -I in
     * tests/test_embed.c. */
    PyPreConfig_InitIsolatedConfig(&pre);
    pre.allocator = opts->malloc_allocator ? PYMEM_ALLOCATOR_MALLOC
                                           : PYMEM_ALLOCATOR_PYMALLOC;
    pre.configure_locale = 1;
    pre.coerce_c_locale = 1;      /* only when LC_CTYPE is C or POSIX */
    pre.coerce_c_locale_warn = 0; /* as python3.11 without the variable */
    pre.utf8_mode = -1;           /* decided from LC_CTYPE */
    st = Py_PreInitialize(&pre);
    if (PyStatus_Exception(st))
        return status_error(st, "Py_PreInitialize", err, errlen);
    if (opts->hooks && lc_alloc_install(opts->malloc_allocator) < 0) {
        snprintf(err, errlen, "allocator hooks already installed");
        return -LC_EINTERP;
    }

    PyConfig_InitIsolatedConfig(&config);
    config.faulthandler = !opts->no_faulthandler; /* a segfault prints the
                                                     Python stack */
    config.install_signal_handlers = 0;
    config.write_bytecode = 0; /* no __pycache__ beside users' cases */
    st = PyConfig_SetBytesString(&config, &config.program_name,
                                 LC_PYTHON_EXECUTABLE);
    if (PyStatus_Exception(st)) {
        PyConfig_Clear(&config);
        return status_error(st, "program_name", err, errlen);
    }
    st = Py_InitializeFromConfig(&config);
    PyConfig_Clear(&config);
    if (PyStatus_Exception(st))
        return status_error(st, "Py_InitializeFromConfig", err, errlen);
    started = true;
    if (add_pythonpath(err, errlen) < 0)
        return -LC_EINTERP;

    exe = PySys_GetObject("executable"); /* borrowed */
    if (exe && PyUnicode_Check(exe))
        snprintf(executable, sizeof(executable), "%s", PyUnicode_AsUTF8(exe));
    PyErr_Clear();
    return 0;
}

const char *lc_embed_executable(void)
{
    return executable;
}

int lc_embed_exec(const char *code, char *err, size_t errlen)
{
    PyObject *main_mod, *globals, *res;

    main_mod = PyImport_AddModule("__main__"); /* borrowed */
    if (!main_mod)
        return capture_exception(err, errlen);
    globals = PyModule_GetDict(main_mod);
    res = PyRun_String(code, Py_file_input, globals, globals);
    if (!res)
        return capture_exception(err, errlen);
    Py_DECREF(res);
    return 0;
}

/* Runs once per case, before anything is measured. */
static const char loader_src[] =
    "def _leakcheck_load(path):\n"
    "    import importlib.util, os, sys\n"
    "    sys.argv = [path]\n"
    "    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))\n"
    "    name = '__leakcheck_case__'\n"
    "    spec = importlib.util.spec_from_file_location(name, path)\n"
    "    if spec is None:\n"
    "        raise ImportError('cannot load %r as Python source' % path)\n"
    "    mod = importlib.util.module_from_spec(spec)\n"
    "    sys.modules[name] = mod\n"
    "    spec.loader.exec_module(mod)\n"
    "    return mod\n";

/* What a function's code makes of a call, by its co_flags: a coroutine, a
 * generator or an async generator is created, and its body not run, until
 * someone iterates or awaits it; leakcheck never does. NULL for a plain
 * function (or an object we cannot see into: lc_script_call checks what
 * it returns). */
static const char *deferred_kind(PyObject *fn)
{
    PyObject *code;
    int flags;

    if (PyMethod_Check(fn))
        fn = PyMethod_GET_FUNCTION(fn);
    if (!PyFunction_Check(fn))
        return NULL;
    code = PyFunction_GET_CODE(fn);
    if (!PyCode_Check(code))
        return NULL;
    flags = ((PyCodeObject *)code)->co_flags;
    if (flags & CO_ASYNC_GENERATOR)
        return "an async generator function (async def with yield)";
    if (flags & CO_COROUTINE)
        return "a coroutine function (async def)";
    if (flags & CO_ITERABLE_COROUTINE)
        return "a generator-based coroutine (@types.coroutine)";
    if (flags & CO_GENERATOR)
        return "a generator function (it contains yield)";
    return NULL;
}

/* An entry point must be a plain callable; a coroutine or generator
 * function would come out clean without its body ever running. */
static int check_entry(const char *path, const char *name, PyObject *fn,
                       char *err, size_t errlen)
{
    const char *kind;

    if (!PyCallable_Check(fn)) {
        snprintf(err, errlen,
                 "%s: %s is not callable (it is a %.100s): define it as "
                 "def %s()%s",
                 path, name, Py_TYPE(fn)->tp_name, name,
                 strcmp(name, "fuzz") == 0 ? " taking data" : "");
        return -LC_EPYTHON;
    }
    kind = deferred_kind(fn);
    if (kind) {
        snprintf(err, errlen,
                 "%s: %s is %s: calling it only creates an object and runs "
                 "none of its body, and leakcheck never awaits or iterates "
                 "it; make %s a plain def that runs the work (e.g. "
                 "asyncio.run(coro()) or list(gen()))",
                 path, name, kind, name);
        return -LC_EPYTHON;
    }
    return 0;
}

/* What a call returned, when it is something whose work has not run: a
 * coroutine, a generator, an async generator or any awaitable. Pointer
 * checks only: this runs after every iteration. NULL for anything else. */
static const char *deferred_result(PyObject *res)
{
    PyAsyncMethods *am;

    if (res == Py_None)
        return NULL;
    if (PyCoro_CheckExact(res))
        return "a coroutine";
    if (PyGen_Check(res))
        return "a generator";
    if (PyAsyncGen_CheckExact(res))
        return "an async generator";
    am = Py_TYPE(res)->tp_as_async;
    if (am && am->am_await)
        return "an awaitable";
    return NULL;
}

/* Refuse a result deferred_result names; closes a coroutine first, so its
 * "never awaited" RuntimeWarning does not reach stderr. Consumes res. */
static int refuse_deferred(const char *name, const char *kind, PyObject *res,
                           char *err, size_t errlen)
{
    char msg[512];
    PyObject *r;

    if (PyCoro_CheckExact(res) || PyGen_Check(res) ||
        PyAsyncGen_CheckExact(res)) {
        r = PyObject_CallMethod(res, "close", NULL);
        Py_XDECREF(r);
        PyErr_Clear();
    }
    snprintf(msg, sizeof(msg),
             "%s() returned %s (%.100s): its work never ran, as leakcheck "
             "does not await or iterate what a call returns; make %s() "
             "run the work itself (e.g. asyncio.run(...))",
             name, kind, Py_TYPE(res)->tp_name, name);
    Py_DECREF(res);
    copy_message(err, errlen, msg);
    return -LC_EPYTHON;
}

int lc_script_load(const char *path, struct lc_script **out, char *err,
                   size_t errlen)
{
    PyObject *ns = NULL, *code = NULL, *res = NULL, *loader, *mod, *pypath;
    struct lc_script *s;
    int rc = 0;

    *out = NULL;
    s = calloc(1, sizeof(*s));
    if (!s) {
        copy_message(err, errlen, lc_strerror(-LC_ENOMEM));
        return -LC_ENOMEM;
    }
    ns = PyDict_New();
    if (ns)
        code =
            Py_CompileString(loader_src, "<leakcheck loader>", Py_file_input);
    if (code) {
        PyDict_SetItemString(ns, "__builtins__", PyEval_GetBuiltins());
        res = PyEval_EvalCode(code, ns, ns);
    }
    loader = res ? PyDict_GetItemString(ns, "_leakcheck_load") : NULL;
    /* File names are bytes: decode them as the OS does (surrogateescape),
     * not as strict UTF-8. */
    pypath = loader ? PyUnicode_DecodeFSDefault(path) : NULL;
    mod = pypath ? PyObject_CallOneArg(loader, pypath) : NULL;
    Py_XDECREF(pypath);
    if (!mod) {
        rc = capture_exception(err, errlen);
        goto out_release;
    }
    s->module = mod;
    for (int e = 0; e < LC_ENTRY_COUNT; e++) {
        PyObject *fn = PyObject_GetAttrString(mod, entry_names[e]);

        if (!fn) {
            PyErr_Clear();
            continue;
        }
        s->fn[e] = fn;
        if ((rc = check_entry(path, entry_names[e], fn, err, errlen)))
            goto out_release;
    }
    if (!s->fn[LC_ENTRY_RUN]) {
        snprintf(err, errlen, "%s: the case defines no run() function", path);
        rc = -LC_ENORUN;
    }
out_release:
    Py_XDECREF(res);
    Py_XDECREF(code);
    Py_XDECREF(ns);
    if (rc) {
        lc_script_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

bool lc_script_has(const struct lc_script *s, enum lc_entry e)
{
    return s->fn[e] != NULL;
}

int lc_script_call(struct lc_script *s, enum lc_entry e, char *err,
                   size_t errlen)
{
    const char *kind;
    PyObject *res;

    if (!s->fn[e] || e == LC_ENTRY_FUZZ)
        return 0;
    res = PyObject_CallNoArgs(s->fn[e]);
    if (!res)
        return capture_exception(err, errlen);
    if ((kind = deferred_result(res)))
        return refuse_deferred(entry_names[e], kind, res, err, errlen);
    Py_DECREF(res);
    return 0;
}

int lc_script_fuzz(struct lc_script *s, const unsigned char *data, size_t size,
                   char *err, size_t errlen)
{
    const char *kind;
    PyObject *arg, *res;

    if (!s->fn[LC_ENTRY_FUZZ]) {
        copy_message(err, errlen, "the case defines no fuzz(data) function");
        return -LC_ENORUN;
    }
    arg = PyBytes_FromStringAndSize((const char *)data, (Py_ssize_t)size);
    if (!arg)
        return capture_exception(err, errlen);
    res = PyObject_CallOneArg(s->fn[LC_ENTRY_FUZZ], arg);
    Py_DECREF(arg);
    if (!res && errlen == 0) {
        PyErr_Clear();
        return -LC_EPYTHON;
    }
    if (!res)
        return capture_exception(err, errlen);
    if ((kind = deferred_result(res)))
        return refuse_deferred("fuzz", kind, res, err, errlen);
    Py_DECREF(res);
    return 0;
}

int lc_embed_take_error(char *err, size_t errlen)
{
    return capture_exception(err, errlen);
}

PyObject *lc_script_module(const struct lc_script *s)
{
    return s->module;
}

void lc_script_free(struct lc_script *s)
{
    if (!s)
        return;
    for (int e = 0; e < LC_ENTRY_COUNT; e++)
        Py_XDECREF(s->fn[e]);
    Py_XDECREF(s->module);
    free(s);
}

bool lc_embed_gc_enabled(void)
{
    return PyGC_IsEnabled() == 1;
}

void lc_embed_collect(void)
{
    PyGC_Collect();
}

void lc_embed_collect_young(void)
{
    static PyObject *collect, *args; /* gc.collect and (1,), kept for good */
    PyObject *res;

    if (!collect) {
        PyObject *gc = PyImport_ImportModule("gc");

        collect = gc ? PyObject_GetAttrString(gc, "collect") : NULL;
        args = Py_BuildValue("(i)", 1);
        Py_XDECREF(gc);
        if (!collect || !args) {
            Py_CLEAR(collect);
            Py_CLEAR(args);
            PyErr_Clear();
            PyGC_Collect();
            return;
        }
    }
    res = PyObject_Call(collect, args, NULL);
    if (!res)
        PyErr_Clear();
    Py_XDECREF(res);
}

void lc_embed_clear_internal_caches(void)
{
    PyType_ClearCache();
}
