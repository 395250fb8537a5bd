# leakcheck: expect=leak
# leakcheck: source="found by leakcheck unittest on Python-Markdown 3.4.1's tests (extensions/legacy_attrs.py); CPython 3.11 Modules/_sre/sre.c pattern_subx"
"""re.sub() with a replacement function that returns None keeps a reference
to None per match. pattern_subx in Modules/_sre/sre.c (3.11) calls the
function for each match and appends the result to its list of pieces
`if (item != Py_None)`, with the Py_DECREF(item) inside that branch: a None
result is skipped, and the reference the call returned is never released.
Python-Markdown's legacy_attrs extension does exactly this (its
attributeCallback sets attributes and returns nothing), so every rendering
with `{@key=value}` attributes leaks a reference to None per attribute:
markdown's own test_legacy_attrs grows by 7 references a call. Only the
reference count grows (None is never freed, nothing is allocated): the refs
signal's leak. In 3.12 None is immortal, and the count no longer moves.
Outside leakcheck: sys.getrefcount(None) rises by 1.0 a call over 10,000
calls on /usr/bin/python3.11; returning "" instead is flat."""
import re

_ATTR = re.compile(r"\{@([^}]*)=([^}]*)}")
_TEXT = "Now, something *inline{@class=special}*, to see if it works"


def _set_attribute(match):
    match.group(1)  # what legacy_attrs sets on its element; returns None


def run():
    _ATTR.sub(_set_attribute, _TEXT)
