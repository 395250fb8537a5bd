# leakcheck: expect=clean
# leakcheck: source="the twin of cpython_re_sub_callback_none.py"
"""re.sub() with a replacement function that returns a str: each result is
appended and released, so nothing is kept (the twin of
cpython_re_sub_callback_none.py, where the function returns None)."""
import re

_ATTR = re.compile(r"\{@([^}]*)=([^}]*)}")
_TEXT = "Now, something *inline{@class=special}*, to see if it works"


def _set_attribute(match):
    match.group(1)
    return ""


def run():
    _ATTR.sub(_set_attribute, _TEXT)
