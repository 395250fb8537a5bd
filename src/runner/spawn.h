/*
 * spawn.h - run another program and wait for it: the commands that drive
 * the fuzzer (`fuzz`, `repro --minimize`) and its build script.
 */
#ifndef LC_SPAWN_H
#define LC_SPAWN_H

/* Run argv (argv[0] looked up in PATH) with the "NAME=value" entries of
 * env added to the environment (env may be NULL), its stdout and stderr to
 * the file log when log is not NULL. Returns its exit status, 128 + the
 * signal that killed it, or -1 when it could not be started or waited
 * for. */
int lc_spawn_wait(char *const argv[], char *const *env, const char *log);

#endif
