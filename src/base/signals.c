#include "signals.h"

#include <string.h>

static const struct lc_signal_info table[LC_SIG_COUNT] = {
#define LC_SIG_ROW(id, name, unit, floor, horizon, costly, fuzz, memory,      \
                   reader)                                                    \
    [LC_SIG_##id] = {name, unit, floor, horizon, costly},
    LC_SIGNAL_MAP(LC_SIG_ROW)
#undef LC_SIG_ROW
};

static const struct lc_signal_info unknown = {"unknown", "", 0.0, 0, 0};

const struct lc_signal_info *lc_signal_info(enum lc_signal s)
{
    return (unsigned)s < LC_SIG_COUNT ? &table[s] : &unknown;
}

const char *lc_signal_name(enum lc_signal s)
{
    return lc_signal_info(s)->name;
}

const char *lc_signal_unit(enum lc_signal s)
{
    return lc_signal_info(s)->unit;
}

int lc_signal_lookup(const char *name, unsigned len)
{
    for (int s = 0; s < LC_SIG_COUNT; s++)
        if (strlen(table[s].name) == len &&
            memcmp(table[s].name, name, len) == 0)
            return s;
    return -1;
}
