/*
 * session.h - how every process that runs a case begins: start the
 * interpreter with faulthandler ready, load the case, call its setup(),
 * announcing each phase to the runner (a PHASE record, wire.h).
 *
 * Used by the verdict worker (worker/verdict.h), the explain pass
 * (explain.h), the suite adapter (suite.h) and the leak fuzzer.
 */
#ifndef LC_SESSION_H
#define LC_SESSION_H

#include <stddef.h>

#include "embed.h"
#include "result.h"

/* Start the interpreter; with faulthandler on (eo), SIGUSR2 makes it print
 * every thread's Python stack on stderr (the runner asks for it before a
 * timeout's kill). 0, or -1 with err filled. */
int lc_session_start(const struct lc_embed_opts *eo, char *err, size_t errlen);

/* Start the interpreter (lc_session_start), load the case, call its setup():
 * how every process that runs a case begins (the verdict worker, the explain
 * pass, the leak fuzzer). With faulthandler on (eo), SIGUSR2 makes it print
 * every thread's Python stack on stderr: the runner asks for it before a
 * timeout's kill. Each phase entered is announced on progress_fd (a PHASE
 * record, wire.h) when it is >= 0. 0, or -1 with *phase set and err
 * filled. */
int lc_session_open(const struct lc_embed_opts *eo, const char *path,
                    int progress_fd, struct lc_script **out,
                    enum lc_phase *phase, char *err, size_t errlen);

/* Announce phase on fd (a PHASE record) when fd >= 0. */
void lc_session_mark(int fd, enum lc_phase phase);

#endif
