#include "result.h"

static const char *const verdict_names[LC_VERDICT_COUNT] = {
    [LC_VERDICT_CLEAN] = "clean",     [LC_VERDICT_LEAK] = "leak",
    [LC_VERDICT_ERROR] = "error",     [LC_VERDICT_CRASH] = "crash",
    [LC_VERDICT_TIMEOUT] = "timeout",
};

const char *lc_verdict_name(enum lc_verdict v)
{
    return (unsigned)v < LC_VERDICT_COUNT ? verdict_names[v] : "unknown";
}
