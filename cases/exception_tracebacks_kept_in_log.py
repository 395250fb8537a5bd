# leakcheck: expect=leak
# leakcheck: source="caught exceptions appended to an error log list"
"""Every caught exception is appended, with its traceback, to a module list.

An "error log" keeps the exception objects themselves. Each one holds its
traceback, the traceback holds the frame, and the frame holds its locals (a
200-item list): per call, the whole frame of the failing call is kept.
"""

errors = []


def parse(text):
    rows = list(range(200))
    try:
        return int(text), len(rows)
    except ValueError as exc:
        errors.append(exc)
        return None, len(rows)


def run():
    parse("not a number")


def teardown():
    errors.clear()
