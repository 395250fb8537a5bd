#include "result.h"

#include <stdarg.h>
#include <stdio.h>

static const char *const verdict_names[LC_VERDICT_COUNT] = {
#define LC_VERDICT_NAME(id, name) [LC_VERDICT_##id] = name,
    LC_VERDICT_MAP(LC_VERDICT_NAME)
#undef LC_VERDICT_NAME
};

static const char *const phase_names[LC_PHASE_COUNT] = {
#define LC_PHASE_NAME(id, name) [LC_PHASE_##id] = name,
    LC_PHASE_MAP(LC_PHASE_NAME)
#undef LC_PHASE_NAME
};

const char *lc_verdict_name(enum lc_verdict v)
{
    return (unsigned)v < LC_VERDICT_COUNT ? verdict_names[v] : "unknown";
}

const char *lc_phase_name(enum lc_phase p)
{
    return (unsigned)p < LC_PHASE_COUNT ? phase_names[p] : "unknown";
}

void lc_result_fail(struct lc_result *r, enum lc_verdict v, enum lc_phase p,
                    const char *fmt, ...)
{
    va_list ap;

    r->magic = LC_RESULT_MAGIC;
    r->verdict = v;
    r->phase = p;
    va_start(ap, fmt);
    vsnprintf(r->message, sizeof(r->message), fmt, ap);
    va_end(ap);
}
