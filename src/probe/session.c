#include "session.h"

#include <signal.h>
#include <stdio.h>

#include "wire.h"

void lc_session_mark(int fd, enum lc_phase phase)
{
    struct lc_wire_phase ph = {phase};

    if (fd >= 0)
        lc_wire_send(fd, LC_WIRE_PHASE, &ph, sizeof(ph));
}

/* faulthandler.register(SIGUSR2): the stack the runner asks for before it
 * kills a case that hangs. Allocates, before anything is measured. The
 * number, not the signal module: that imports enum, 450 more objects for
 * every reading's collection to traverse (7% of a bare case's). */
int lc_session_start(const struct lc_embed_opts *eo, char *err, size_t errlen)
{
    char dump_on_request[96];

    snprintf(dump_on_request, sizeof(dump_on_request),
             "import faulthandler as _f\n"
             "_f.register(%d, all_threads=True)\n"
             "del _f\n",
             SIGUSR2);
    if (lc_embed_start(eo, err, errlen) ||
        (!eo->no_faulthandler && lc_embed_exec(dump_on_request, err, errlen)))
        return -1;
    return 0;
}

int lc_session_open(const struct lc_embed_opts *eo, const char *path,
                    int progress_fd, struct lc_script **out,
                    enum lc_phase *phase, char *err, size_t errlen)
{
    *out = NULL;
    *phase = LC_PHASE_WORKER;
    if (lc_session_start(eo, err, errlen))
        return -1;
    *phase = LC_PHASE_LOAD;
    lc_session_mark(progress_fd, *phase);
    if (lc_script_load(path, out, err, errlen))
        return -1;
    *phase = LC_PHASE_SETUP;
    lc_session_mark(progress_fd, *phase);
    if (lc_script_call(*out, LC_ENTRY_SETUP, err, errlen)) {
        lc_script_free(*out);
        *out = NULL;
        return -1;
    }
    *phase = LC_PHASE_NONE;
    return 0;
}
