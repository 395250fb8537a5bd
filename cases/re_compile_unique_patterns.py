# leakcheck: expect=clean
# leakcheck: source="re module cache: bounded at re._MAXCACHE (512) compiled patterns"
"""re.match with a new pattern string on every call.

The re module caches compiled patterns, but the cache is bounded: at
re._MAXCACHE (512 in 3.11) entries it drops the oldest one per insertion.
Memory grows for the first 512 distinct patterns, then stays flat: bounded,
not a leak.
"""

import itertools
import re

_ids = itertools.count()


def run():
    n = next(_ids)
    re.match(f"id-{n:08d}-[a-z]+", f"id-{n:08d}-abc")
