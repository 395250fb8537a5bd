/*
 * json.h - read JSON text into a tree: enough to read back leakcheck's own
 * reports and journals (`leakcheck report`).
 *
 * RFC 8259's grammar for what leakcheck writes: one value, no comments, no
 * trailing commas, no NaN (numbers are read by strtod, a little more
 * leniently than the RFC: "01", "1." pass); strings are kept as UTF-8
 * bytes with their escapes resolved, and carry their length (a \u0000
 * inside ends them for callers that read them as C strings). Every node
 * remembers where its text is, so a value can be passed on as it came (the
 * explanation object of a report is copied, never re-serialized). Depth and
 * size are bounded (lc_limits.h); memory comes from libc.
 */
#ifndef LC_JSON_H
#define LC_JSON_H

#include <stdbool.h>
#include <stddef.h>

enum lc_json_type {
    LC_JSON_NULL,
    LC_JSON_BOOL,
    LC_JSON_NUMBER,
    LC_JSON_STRING,
    LC_JSON_ARRAY,
    LC_JSON_OBJECT,
};

struct lc_json {
    enum lc_json_type type;
    bool boolean;          /* BOOL */
    double number;         /* NUMBER */
    char *str;             /* STRING: NUL-terminated copy */
    size_t len;            /* STRING: bytes; ARRAY, OBJECT: members */
    char **keys;           /* OBJECT: member names */
    struct lc_json *items; /* ARRAY, OBJECT: members, len of them */
    const char *raw;       /* where the value's text starts in the input */
    size_t raw_len;        /* and its length */
};

/* Parse text[0..len) into *out. 0, or -LC_EINPUT with err saying what and
 * at which byte; out is then empty. */
int lc_json_parse(const char *text, size_t len, struct lc_json *out, char *err,
                  size_t errlen);

/* The member of object o named key, or NULL (also when o is no object). */
const struct lc_json *lc_json_get(const struct lc_json *o, const char *key);

/* Typed reads of a member, with a default when it is absent or another
 * type. */
double lc_json_number(const struct lc_json *o, const char *key, double dflt);
bool lc_json_bool(const struct lc_json *o, const char *key, bool dflt);
const char *lc_json_string(const struct lc_json *o, const char *key,
                           const char *dflt);

void lc_json_release(struct lc_json *v);

#endif
