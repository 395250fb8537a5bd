/*
 * names.h - one macro makes an enum's name table, its name function and
 * its lookup, from the X-macro table that defines the enum.
 *
 * Every table here lists rows X(ID, "name", ...) in enum order, the name
 * second: LC_VERDICT_MAP, LC_PHASE_MAP, LC_PLAN_REASON_MAP,
 * LC_TREND_STATE_MAP, LC_EXPECT_MAP, LC_FORMAT_MAP, LC_JOB_MAP. In a .c
 * file,
 *
 *     LC_NAMES_DEFINE(lc_verdict, enum lc_verdict, LC_VERDICT_COUNT,
 *                     LC_VERDICT_MAP)
 *
 * defines `const char *lc_verdict_name(enum lc_verdict)` ("unknown" out of
 * range, never NULL) and `int lc_verdict_lookup(const char *)` (the value
 * with that name, or -1); the header declares them with LC_NAMES_DECLARE.
 * Pure C, no allocation.
 */
#ifndef LC_NAMES_H
#define LC_NAMES_H

#include <string.h>

#define LC_NAMES_ITEM(id, name, ...) name,

#define LC_NAMES_DECLARE(prefix, type)                                        \
    const char *prefix##_name(type v);                                        \
    int prefix##_lookup(const char *name);

#define LC_NAMES_DEFINE(prefix, type, count, MAP)                             \
    static const char *const prefix##_names[count] = {MAP(LC_NAMES_ITEM)};    \
    const char *prefix##_name(type v)                                         \
    {                                                                         \
        return (unsigned)v < (unsigned)(count) ? prefix##_names[v]            \
                                               : "unknown";                   \
    }                                                                         \
    int prefix##_lookup(const char *name)                                     \
    {                                                                         \
        for (int i = 0; name && i < (int)(count); i++)                        \
            if (strcmp(prefix##_names[i], name) == 0)                         \
                return i;                                                     \
        return -1;                                                            \
    }

#endif
