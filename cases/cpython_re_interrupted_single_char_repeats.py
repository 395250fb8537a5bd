# leakcheck: expect=clean
# leakcheck: source="control for python/cpython#67877"
"""A regular-expression match interrupted by an exception from a signal
handler, on a pattern made only of single-character repeats: nothing leaks.

Clean twin of cpython_re_interrupted_repeat.py. There the pattern
`(?:a|a)*b` compiles to a REPEAT/MAX_UNTIL group, for which SRE(match) in
Modules/_sre/sre_lib.h allocates an SRE_REPEAT context with PyObject_Malloc;
when PyErr_CheckSignals() reports the handler's exception the match returns
SRE_ERROR_INTERRUPTED and, in 3.11, that context is never freed: one block
leaks per call (gh-67877, fixed in 3.12.8 / 3.13.1). Here the pattern
`a*a*a*a*a*a*a*a*b` backtracks just as hopelessly and is interrupted the same
way (0.5 ms SIGALRM timer, handler raises), but `a*` compiles to REPEAT_ONE,
which keeps its state on the matcher's data stack and allocates no
SRE_REPEAT, and state_fini() frees that stack on the error path too. Every
signal must stay flat. Needs to run in the main thread (signal handler).
"""
import re
import signal

_PAT = re.compile(r"a*a*a*a*a*a*a*a*b")   # only REPEAT_ONE: no heap SRE_REPEAT
_SUBJECT = "a" * 200                      # never finishes on its own


class _Interrupt(Exception):
    pass


def _on_alarm(signum, frame):
    raise _Interrupt


signal.signal(signal.SIGALRM, _on_alarm)


def run():
    try:
        # armed inside the try: a timer that fires before the match starts
        # (the process descheduled for 0.5 ms) is caught too
        signal.setitimer(signal.ITIMER_REAL, 0.0005)
        _PAT.match(_SUBJECT)
    except _Interrupt:
        pass
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
