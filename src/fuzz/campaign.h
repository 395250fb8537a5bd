/*
 * campaign.h - the signatures of leaks, and the set of those a fuzzing
 * campaign has seen, so that it reports each distinct leak once.
 *
 * A signature is one line of text:
 *
 *   <id> signals=<s,...> types=<t,...> frames=<file:line,...>
 *
 *   id       8 hex digits, FNV-1a 32 of the types and frames (or native)
 *            part: a short name for file names and summaries
 *   signals  what grew on every confirmation call (or every batch, for a
 *            sparse leak): py_blocks, py_bytes
 *   types    gc-tracked types whose count grew, sorted (fuzzsig.h)
 *   frames   innermost Python frames of the sites that kept blocks,
 *            sorted (fuzzsig.h)
 *
 * A leak LeakSanitizer stopped the fuzzer for (native memory no pointer
 * reaches) is named "<id> native=<function,...>", the first three
 * functions of its stack past the allocators.
 *
 * "-" stands for an empty list. Two findings are the same leak when their
 * types and frames (or native frames) are equal, and so are their ids: the
 * signals are told, not compared (one leak of 8 bytes a call read
 * "py_blocks" on the empty input and "py_blocks,py_bytes" on others). The leak
 * fuzzer prints a new one as
 * "==leakcheck== SIGNATURE: <line>" and a repeat as
 * "==leakcheck== REPEAT: <id>"; a file of known signatures holds one line
 * each (blank lines and lines starting with '#' are skipped).
 *
 * Plain C: no Python, no allocation after lc_sigset_init.
 */
#ifndef LC_CAMPAIGN_H
#define LC_CAMPAIGN_H

#include <stdbool.h>
#include <stddef.h>

/* One signature line, NUL included: three short lists. */
#define LC_SIG_TEXT_MAX 1024
/* Distinct signatures one campaign keeps. */
#define LC_SIGSET_MAX 256

#define LC_SIG_PREFIX "==leakcheck== SIGNATURE: "
#define LC_SIG_REPEAT_PREFIX "==leakcheck== REPEAT: "

struct lc_sigset {
    char (*text)[LC_SIG_TEXT_MAX]; /* the lines, LC_SIGSET_MAX of them */
    unsigned long *seen;           /* times each was met */
    size_t n;                      /* lines held */
};

/* Compose a signature: signals is a mask (1 py_blocks, 2 py_bytes),
 * rest the "types=... frames=..." text of fuzzsig.h; with signals 0, rest
 * alone ("native=..."). */
void lc_sig_format(char *out, size_t cap, unsigned signals, const char *rest);

/* The id of a signature line (its first word), into out[9]. */
void lc_sig_id(const char *line, char out[9]);

int lc_sigset_init(struct lc_sigset *s);
void lc_sigset_release(struct lc_sigset *s);

/* Whether two lines name the same leak (see above). */
bool lc_sig_same(const char *a, const char *b);

/* Index of the signature in the set that names the same leak as line, or
 * -1. */
long lc_sigset_find(const struct lc_sigset *s, const char *line);

/* Index of the signature whose id is id, or -1. */
long lc_sigset_find_id(const struct lc_sigset *s, const char *id);

/* Add line unless the same leak is there; its index, or -1 when the set
 * is full. */
long lc_sigset_add(struct lc_sigset *s, const char *line);

/* Add every line of the file at path (a missing file is an empty set).
 * Returns the number of lines read, or -1 when the file cannot be read. */
long lc_sigset_load(struct lc_sigset *s, const char *path);

/* Append line to the file at path. 0 or -1. */
int lc_sig_append(const char *path, const char *line);

#endif
