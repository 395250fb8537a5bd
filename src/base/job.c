#include "job.h"

LC_NAMES_DEFINE(lc_suite_kind, enum lc_suite_kind, LC_SUITE_KIND_COUNT,
                LC_SUITE_KIND_MAP)

const char *lc_suite_kind_option(enum lc_suite_kind k)
{
    static const char *const options[LC_SUITE_KIND_COUNT] = {
#define LC_SUITE_KIND_OPTION(id, name, option, target) option,
        LC_SUITE_KIND_MAP(LC_SUITE_KIND_OPTION)
#undef LC_SUITE_KIND_OPTION
    };

    return (unsigned)k < LC_SUITE_KIND_COUNT ? options[k] : "";
}

bool lc_suite_kind_needs_target(enum lc_suite_kind k)
{
    static const bool targets[LC_SUITE_KIND_COUNT] = {
#define LC_SUITE_KIND_TARGET(id, name, option, target) target,
        LC_SUITE_KIND_MAP(LC_SUITE_KIND_TARGET)
#undef LC_SUITE_KIND_TARGET
    };

    return (unsigned)k < LC_SUITE_KIND_COUNT && targets[k];
}
