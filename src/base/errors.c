#include "errors.h"

const char *lc_strerror(int code)
{
    if (code < 0)
        code = -code;
    switch (code) {
    case LC_OK:
        return "success";
#define LC_ERR_CASE(name, msg)                                                \
    case LC_##name:                                                           \
        return msg;
        LC_ERR_MAP(LC_ERR_CASE)
#undef LC_ERR_CASE
    }
    return "unknown error";
}
