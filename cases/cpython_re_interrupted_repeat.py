# leakcheck: expect=leak
# leakcheck: source="python/cpython#67877 (fixed in 3.12.8 / 3.13.1)"
"""A regular-expression match that is aborted by an exception raised from a
signal handler leaks the matcher's REPEAT context.  SRE(match) in
Modules/_sre/sre_lib.h allocates an SRE_REPEAT with PyObject_Malloc for each
active REPEAT/MAX_UNTIL group and only frees it on the normal unwinding path;
when PyErr_CheckSignals() (polled every 4096 steps) reports an error the match
returns SRE_ERROR_INTERRUPTED and state_fini() never freed the state->repeat
chain.  gh-67877 "Fix memory leaks when regular expression matching terminates
abruptly, either because of a signal or because memory allocation fails",
fixed in 3.12.8 and 3.13.1.  Each call arms a 0.5 ms SIGALRM timer and starts
a catastrophically backtracking match that the handler interrupts: exactly one
SRE_REPEAT (1 block) leaks per call.  Needs to run in the main thread (signal
handler)."""
import re
import signal

_PAT = re.compile(r"(?:a|a)*b")   # non-trivial repeat -> heap SRE_REPEAT context
_SUBJECT = "a" * 40               # never finishes on its own (2**40 paths)


class _Interrupt(Exception):
    pass


def _on_alarm(signum, frame):
    raise _Interrupt


signal.signal(signal.SIGALRM, _on_alarm)


def run():
    # The timer is armed inside the try: a handler firing before match()
    # starts must still be caught, or the case fails at random.
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.0005)
        _PAT.match(_SUBJECT)
    except _Interrupt:
        pass
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
