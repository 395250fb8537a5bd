/*
 * campaign.h - the signatures of leaks, and the set of those a fuzzing
 * campaign has seen, so that it reports each distinct leak once.
 *
 * A signature is one line of text:
 *
 *   <id> signals=<s,...> [c=<f@obj> via=<g> keeps=<k,...>] types=<t,...>
 *        frames=<file:line,...>
 *
 *   id       8 hex digits, FNV-1a 32 of the part that names the leak (c,
 *            else types and frames, else native): a short name for file
 *            names and summaries
 *   signals  what grew on every confirmation call (or every batch, for a
 *            sparse leak): py_blocks, py_bytes
 *   c        when the blocks that stayed were allocated inside an
 *            extension, its innermost function on their C stacks
 *            (fuzzsig.h): "func@_lcleaky", or "0x6f20@_cmsgpack" for a
 *            function of a stripped library (its first byte's offset)
 *   via      how a stripped function was reached (the named function or
 *            method-table entry outwards: "msgpack._cmsgpack.unpackb"),
 *            "-" when it has a name of its own
 *   keeps    what the blocks made below it are, per call, most first:
 *            "list(+1/call),str(+1/call)", "raw-8B(+1/call)"
 *   types    gc-tracked types whose count grew, sorted (fuzzsig.h)
 *   frames   innermost Python frames of the sites that kept blocks,
 *            sorted (fuzzsig.h)
 *
 * A leak LeakSanitizer stopped the fuzzer for (native memory no pointer
 * reaches) is named "<id> native=<function,...>", the first three
 * functions of its stack past the allocators.
 *
 * "-" stands for an empty list. Two findings are the same leak when their
 * C sites are equal, or, without one, their types and frames (or native
 * frames), and so are their ids: one error path of a C parser reached by
 * many inputs keeps lists on some, dicts or strings on others, called from
 * any Python line, and is one leak. The via, keeps and
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

/* The value of a line's "key=" field into out (cut at cap); false, with
 * out "", when the line has none. */
bool lc_sig_field(const char *line, const char *key, char *out, size_t cap);

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
