/*
 * discover.h - find the files a command was pointed at.
 *
 * A path names a file, or a folder whose entries are taken in name order,
 * recursively. Entries whose names start with '.' are never taken. Nothing
 * here runs or parses a file; it only lists paths.
 */
#ifndef LC_DISCOVER_H
#define LC_DISCOVER_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* Whether a folder entry is wanted: name is its last component, is_dir
 * whether it is a folder (descended into when kept). */
typedef bool lc_discover_keep_fn(const char *name, bool is_dir);

/* Append to list (a buffer of char *, each a heap copy the caller frees
 * with lc_discover_free) path itself when it is not a folder, or every kept
 * file under it in name order. 0, -LC_EIO (err names the path and why),
 * -LC_ETOOBIG (more than the list's maximum), -LC_ENOMEM. */
int lc_discover(const char *path, lc_discover_keep_fn *keep,
                struct lc_buf *list, char *err, size_t errlen);

/* Entries in list. */
static inline size_t lc_discover_count(const struct lc_buf *list)
{
    return list->len / sizeof(char *);
}

static inline char *lc_discover_path(const struct lc_buf *list, size_t i)
{
    return ((char **)(void *)list->data)[i];
}

/* Free every path and the list's storage. */
void lc_discover_free(struct lc_buf *list);

/* A case: a .py file whose name starts with neither '_' nor '.'; folders
 * whose names start with '_' are skipped too (__pycache__). */
bool lc_discover_case(const char *name, bool is_dir);

#endif
