# leakcheck: expect=leak
# leakcheck: source="bytes-only leak: a module-level str extended by one character per call"
"""A module-level progress string that gains one character per call.

Each call replaces the global string with one a character longer: the old
string is freed and the new one allocated, so the number of live blocks does
not change; only the bytes held grow, by exactly one per call. The smallest
leak the py_bytes signal can see, and one py_blocks cannot.
"""

progress = ""


def run():
    global progress
    progress = progress + "."


def teardown():
    global progress
    progress = ""
