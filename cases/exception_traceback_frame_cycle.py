# leakcheck: expect=clean
# leakcheck: source="caught exception stored in a local: frame <-> traceback cycle"
"""A caught exception kept in a local variable: a frame/traceback cycle.

parse() stores the exception it caught in a local (error = exc), so the
frame refers to the exception, whose traceback refers back to the frame: a
reference cycle per call, holding the frame's locals (a 200-item list). The
cyclic collector frees it, so the heap stays flat.
"""


def parse(text):
    rows = list(range(200))
    error = None
    try:
        int(text)
    except ValueError as exc:
        error = exc
    return error is not None, len(rows)


def run():
    parse("not a number")
