"""Imports the consumer's _stash extension from its build folder.

The folder comes in STASH_DIR, which the consumer's CMakeLists.txt sets
for every test through leakcheck_add_cases(... ENVIRONMENT ...) (setting
PYTHONPATH there works as well: leakcheck honours it). The leading '_' keeps leakcheck from taking this for a case.
"""
import os
import sys

sys.path.insert(0, os.environ["STASH_DIR"])
import _stash  # noqa: E402
