/*
 * discover.h - find the files a command was pointed at.
 *
 * A path names a file, or a folder whose entries are taken in name order,
 * recursively. Entries whose names start with '.' are never taken. Nothing
 * here runs, opens or parses a file; it only lists paths.
 *
 * A path that cannot be used never stops the walk: a folder that cannot be
 * listed, a dangling symbolic link, a FIFO, socket or device where a file
 * is wanted (never opened: a FIFO would block its reader forever) is a
 * problem, one line of the error text, and every usable file beside it is
 * still listed. Symbolic links are followed, each folder and each file
 * once (by device and inode), so a link cycle or two links to one file
 * list it once.
 */
#ifndef LC_DISCOVER_H
#define LC_DISCOVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "buf.h"

/* Whether a folder entry is wanted: name is its last component, is_dir
 * whether it is a folder (descended into when kept). */
typedef bool lc_discover_keep_fn(const char *name, bool is_dir);

/* Append to list (a buffer of char *, each a heap copy the caller frees
 * with lc_discover_free) path itself when it is a regular file, or every
 * kept file under it in name order.
 *
 * Returns 0; or -LC_EINPUT when some path was unusable: err then holds one
 * line per such path, "PATH: why" (lines joined by '\n'; when err is full,
 * a last line counts the ones left out), and list holds every usable file
 * all the same, so a caller may report the problems, go on with the list
 * and fail at the end; or, with the walk stopped, -LC_ETOOBIG (more than
 * the list's maximum) or -LC_ENOMEM, err saying which. */
int lc_discover(const char *path, lc_discover_keep_fn *keep,
                struct lc_buf *list, char *err, size_t errlen);

/* Write err as lc_discover filled it, each line after prefix. */
void lc_discover_print(FILE *f, const char *prefix, const char *err);

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
