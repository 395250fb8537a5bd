#include "discover.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "errors.h"
#include "lc_limits.h"

bool lc_discover_case(const char *name, bool is_dir)
{
    size_t n = strlen(name);

    if (name[0] == '_' || name[0] == '.')
        return false;
    return is_dir || (n > 3 && strcmp(name + n - 3, ".py") == 0);
}

static int add(struct lc_buf *list, const char *path)
{
    int rc = lc_buf_reserve(list, sizeof(char *));
    char *copy;

    if (rc)
        return rc;
    copy = strdup(path);
    if (!copy)
        return -LC_ENOMEM;
    return lc_buf_append(list, &copy, sizeof(copy));
}

static int cmp_path(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The kept entries of folder path, sorted, into names. */
static int list_folder(const char *path, lc_discover_keep_fn *keep,
                       struct lc_buf *names, char *err, size_t errlen)
{
    DIR *d = opendir(path);
    struct dirent *e;
    int rc = 0;

    if (!d) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -LC_EIO;
    }
    while (rc == 0 && (e = readdir(d))) {
        char full[LC_PATH_MAX];
        struct stat st;

        if (e->d_name[0] == '.' ||
            snprintf(full, sizeof(full), "%s%s%s", path,
                     path[strlen(path) - 1] == '/' ? "" : "/",
                     e->d_name) >= (int)sizeof(full) ||
            stat(full, &st) < 0 ||
            !keep(e->d_name, S_ISDIR(st.st_mode)))
            continue;
        rc = add(names, full);
    }
    closedir(d);
    if (rc == 0)
        qsort(names->data, lc_discover_count(names), sizeof(char *),
              cmp_path);
    if (rc == -LC_ETOOBIG)
        snprintf(err, errlen, "%s: more than %zu entries", path,
                 names->max / sizeof(char *));
    return rc;
}

int lc_discover(const char *path, lc_discover_keep_fn *keep,
                struct lc_buf *list, char *err, size_t errlen)
{
    struct lc_buf names;
    struct stat st;
    int rc;

    if (stat(path, &st) < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -LC_EIO;
    }
    if (!S_ISDIR(st.st_mode)) {
        rc = add(list, path);
        if (rc == -LC_ETOOBIG)
            snprintf(err, errlen, "more than %zu files",
                     list->max / sizeof(char *));
        return rc;
    }
    lc_buf_init(&names, LC_DIR_ENTRIES_MAX * sizeof(char *));
    rc = list_folder(path, keep, &names, err, errlen);
    for (size_t i = 0; rc == 0 && i < lc_discover_count(&names); i++)
        rc = lc_discover(lc_discover_path(&names, i), keep, list, err,
                         errlen);
    lc_discover_free(&names);
    return rc;
}

void lc_discover_free(struct lc_buf *list)
{
    for (size_t i = 0; i < lc_discover_count(list); i++)
        free(lc_discover_path(list, i));
    lc_buf_release(list);
}
