"""Imports the consumer's _stash extension from its build folder.

The embedded interpreter is isolated (PYTHONPATH is ignored), so the
folder comes in STASH_DIR, which the consumer's CMakeLists.txt sets for
every test. The leading '_' keeps leakcheck from taking this for a case.
"""
import os
import sys

sys.path.insert(0, os.environ["STASH_DIR"])
import _stash  # noqa: E402
