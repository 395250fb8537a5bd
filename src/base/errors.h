/*
 * errors.h - the error codes every leakcheck function returns, and their text.
 *
 * Functions return 0 or a negative -LC_E* code. LC_ERR_MAP is the one table
 * of codes and messages; lc_strerror() never returns NULL. Only the command
 * layer (src/cmd/commands.h) turns a code into an exit status.
 */
#ifndef LC_ERRORS_H
#define LC_ERRORS_H

#define LC_ERR_MAP(X)                                                         \
    X(EIO, "cannot read or write a file")                                     \
    X(EHEADER, "malformed case header")                                       \
    X(ENOMEM, "out of memory")                                                \
    X(ETOOBIG, "input exceeds a fixed limit")                                 \
    X(EPYTHON, "the Python code raised an exception")                         \
    X(EINTERP, "the interpreter could not be started")                        \
    X(ENORUN, "the case defines no run() function")                           \
    X(ESPAWN, "cannot start a worker process")                                \
    X(EUSAGE, "bad command line")                                             \
    X(EWIRE, "a record between the runner and a worker is corrupt")           \
    X(EAGAIN, "a record has not all arrived")                                 \
    X(EINPUT, "an input file is unusable")                                    \
    X(EFAILED, "a case did not get its expected verdict")                     \
    X(EINTR, "interrupted by a signal")

enum lc_error {
    LC_OK = 0,
#define LC_ERR_ENUM(name, msg) LC_##name,
    LC_ERR_MAP(LC_ERR_ENUM)
#undef LC_ERR_ENUM
};

/* The message for a code, positive or negative; unknown codes get a generic
 * text. */
const char *lc_strerror(int code);

#endif
