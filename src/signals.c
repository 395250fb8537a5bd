#include "signals.h"

#include <string.h>

static const char *const names[LC_SIG_COUNT] = {
    [LC_SIG_PY_BLOCKS] = "py_blocks",
    [LC_SIG_PY_BYTES] = "py_bytes",
    [LC_SIG_NATIVE] = "native_bytes",
    [LC_SIG_FDS] = "fds",
    [LC_SIG_THREADS] = "threads",
    [LC_SIG_REFS] = "refs",
};

static const char *const units[LC_SIG_COUNT] = {
    [LC_SIG_PY_BLOCKS] = "blocks",
    [LC_SIG_PY_BYTES] = "B",
    [LC_SIG_NATIVE] = "B",
    [LC_SIG_FDS] = "fds",
    [LC_SIG_THREADS] = "threads",
    [LC_SIG_REFS] = "refs",
};

const char *lc_signal_name(enum lc_signal s)
{
    return (unsigned)s < LC_SIG_COUNT ? names[s] : "unknown";
}

const char *lc_signal_unit(enum lc_signal s)
{
    return (unsigned)s < LC_SIG_COUNT ? units[s] : "";
}

int lc_signal_lookup(const char *name, unsigned len)
{
    for (int s = 0; s < LC_SIG_COUNT; s++)
        if (strlen(names[s]) == len && memcmp(names[s], name, len) == 0)
            return s;
    return -1;
}
