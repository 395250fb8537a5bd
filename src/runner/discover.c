#include "discover.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "case.h"
#include "errors.h"
#include "lc_limits.h"

/* Room kept at the end of err for "... and N more unusable paths". */
#define MORE_MAX 64

/* A file or folder already taken: followed links meet it again. */
struct seen {
    dev_t dev;
    ino_t ino;
};

/* One lc_discover call. */
struct walk {
    lc_discover_keep_fn *keep;
    struct lc_buf *list;
    struct lc_buf seen; /* struct seen, every folder entered, file listed */
    char *err;
    size_t errlen, errused;
    int problems, left_out; /* unusable paths; those not in err */
};

bool lc_discover_case(const char *name, bool is_dir)
{
    size_t n = strlen(name);

    if (name[0] == '_' || name[0] == '.')
        return false;
    return is_dir || (n > 3 && strcmp(name + n - 3, ".py") == 0);
}

/* Record an unusable path as one line of err; the walk goes on. */
static void problem(struct walk *w, const char *path, const char *fmt, ...)
{
    char line[LC_PATH_MAX + 256];
    va_list ap;
    int n;

    w->problems++;
    n = snprintf(line, sizeof(line), "%s: ", path);
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < sizeof(line))
        vsnprintf(line + n, sizeof(line) - n, fmt, ap);
    va_end(ap);
    n = (int)strlen(line) + (w->errused ? 1 : 0);
    if (w->errlen > MORE_MAX && w->errused + n + MORE_MAX < w->errlen) {
        snprintf(w->err + w->errused, w->errlen - w->errused, "%s%s",
                 w->errused ? "\n" : "", line);
        w->errused += n;
    } else {
        w->left_out++;
    }
}

/* Whether (dev, ino) was taken already; remembers it if not. */
static int seen_before(struct walk *w, const struct stat *st, bool *before)
{
    const struct seen *s = (const struct seen *)(void *)w->seen.data;
    struct seen me = {st->st_dev, st->st_ino};

    *before = false;
    for (size_t i = 0; i < w->seen.len / sizeof(me); i++)
        if (s[i].dev == me.dev && s[i].ino == me.ino) {
            *before = true;
            return 0;
        }
    return lc_buf_append(&w->seen, &me, sizeof(me));
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

/* Why stat(path) failed, in words: a dangling link says where it points. */
static void stat_problem(struct walk *w, const char *path, int error)
{
    char target[LC_PATH_MAX];
    struct stat lst;
    ssize_t n;

    if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode)) {
        n = readlink(path, target, sizeof(target) - 1);
        target[n < 0 ? 0 : n] = '\0';
        problem(w, path, "symbolic link to '%s' that leads nowhere (%s)",
                target, strerror(error));
        return;
    }
    problem(w, path, "%s", strerror(error));
}

/* The kept entries of folder path, sorted, into names; a folder that
 * cannot be listed is a problem, and lists nothing. */
static int list_folder(struct walk *w, const char *path, struct lc_buf *names)
{
    DIR *d = opendir(path);
    struct dirent *e;
    int rc = 0;

    if (!d) {
        problem(w, path, "cannot list this folder: %s", strerror(errno));
        return 0;
    }
    for (;;) {
        char full[LC_PATH_MAX];
        struct stat st;
        bool is_dir;

        errno = 0;
        if (rc || !(e = readdir(d)))
            break;
        if (e->d_name[0] == '.')
            continue;
        if (snprintf(full, sizeof(full), "%s%s%s", path,
                     path[strlen(path) - 1] == '/' ? "" : "/",
                     e->d_name) >= (int)sizeof(full)) {
            problem(w, path, "an entry's path is longer than %d bytes: %.64s",
                    LC_PATH_MAX - 1, e->d_name);
            continue;
        }
        /* An entry stat cannot follow is judged by its name as a file:
         * a dangling link named x.py is a problem, one named x.txt not. */
        is_dir = stat(full, &st) == 0 && S_ISDIR(st.st_mode);
        if (w->keep(e->d_name, is_dir))
            rc = add(names, full);
    }
    if (!rc && errno)
        problem(w, path, "cannot list this folder to the end: %s",
                strerror(errno));
    closedir(d);
    if (rc == 0)
        qsort(names->data, lc_discover_count(names), sizeof(char *), cmp_path);
    return rc;
}

static int walk_path(struct walk *w, const char *path);

static int walk_folder(struct walk *w, const char *path)
{
    struct lc_buf names;
    int rc;

    lc_buf_init(&names, LC_DIR_ENTRIES_MAX * sizeof(char *));
    rc = list_folder(w, path, &names);
    if (rc == -LC_ETOOBIG)
        snprintf(w->err, w->errlen, "%s: more than %d entries", path,
                 LC_DIR_ENTRIES_MAX);
    for (size_t i = 0; rc == 0 && i < lc_discover_count(&names); i++)
        rc = walk_path(w, lc_discover_path(&names, i));
    lc_discover_free(&names);
    return rc;
}

/* One path: a file is listed, a folder walked, anything else a problem. */
static int walk_path(struct walk *w, const char *path)
{
    struct stat st;
    bool before;
    int rc;

    if (stat(path, &st) < 0) {
        stat_problem(w, path, errno);
        return 0;
    }
    if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) {
        problem(w, path, "not a regular file (%s): skipped, never opened",
                lc_case_file_kind(st.st_mode));
        return 0;
    }
    if ((rc = seen_before(w, &st, &before)) < 0 || before)
        return rc; /* a link cycle, or a second link to one file */
    if (S_ISDIR(st.st_mode))
        return walk_folder(w, path);
    rc = add(w->list, path);
    if (rc == -LC_ETOOBIG)
        snprintf(w->err, w->errlen, "more than %zu files",
                 w->list->max / sizeof(char *));
    return rc;
}

int lc_discover(const char *path, lc_discover_keep_fn *keep,
                struct lc_buf *list, char *err, size_t errlen)
{
    struct walk w = {.keep = keep, .list = list, .err = err, .errlen = errlen};
    int rc;

    if (errlen)
        err[0] = '\0';
    /* As many as the list may hold, and the folders above them. */
    lc_buf_init(&w.seen,
                2 * (list->max / sizeof(char *) + 1) * sizeof(struct seen) +
                    LC_DIR_ENTRIES_MAX * sizeof(struct seen));
    rc = walk_path(&w, path);
    lc_buf_release(&w.seen);
    if (rc == -LC_ENOMEM || (rc < 0 && errlen && !err[0]))
        snprintf(err, errlen, "%s: %s", path, lc_strerror(rc));
    if (rc < 0)
        return rc;
    if (w.left_out && errlen > MORE_MAX)
        snprintf(err + w.errused, errlen - w.errused,
                 "%s... and %d more unusable paths", w.errused ? "\n" : "",
                 w.left_out);
    return w.problems ? -LC_EINPUT : 0;
}

void lc_discover_print(FILE *f, const char *prefix, const char *err)
{
    while (*err) {
        const char *nl = strchr(err, '\n');
        int n = nl ? (int)(nl - err) : (int)strlen(err);

        fprintf(f, "%s%.*s\n", prefix, n, err);
        err += n + (nl ? 1 : 0);
    }
}

void lc_discover_free(struct lc_buf *list)
{
    for (size_t i = 0; i < lc_discover_count(list); i++)
        free(lc_discover_path(list, i));
    lc_buf_release(list);
}
