# leakcheck: expect=clean
# leakcheck: source="tests/ext/_lcleaky.c, planted: two C leak sites, one reached by three Python paths with three types"
"""Fixture of tests/fuzz_csite.py (not a case of cases/: its fuzz() leaks
on purpose on most inputs, run() does nothing).

fuzz(data) by its first byte:
  b"w..."  _wrapped(rest): read_record_leak(rest), from another line
  b"p"     parse_int_leak("x"): a list kept by another C function
  b"g"     a list appended to a module global: a leak of Python code
  else     read_record_leak(data): keeps a list (b"L"), a dict (b"D") or
           a str (b"S..."), whatever the record says
So b"L", b"wD" and b"wSsome text" keep a list, a dict, a str, allocated
below one C function (read_record_leak) and called from two Python lines:
their Python types and frames differ, their C site does not. b"p" is
another C site; b"g" has none.
"""

import importlib
import os
import sys

_folder = os.environ.get("LEAKCHECK_EXT_DIR") or os.path.join(
    os.path.dirname(os.path.realpath("/proc/self/exe")), "tests", "ext")
sys.path.insert(0, _folder)
lcleaky = importlib.import_module("_lcleaky")

KEPT = []


def _wrapped(data):
    return lcleaky.read_record_leak(data)


def run():
    pass


def fuzz(data):
    if data[:1] == b"w":
        _wrapped(data[1:])
    elif data[:1] == b"p":
        lcleaky.parse_int_leak("x")
    elif data[:1] == b"g":
        KEPT.append([data])
    else:
        lcleaky.read_record_leak(data)
