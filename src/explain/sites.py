"""sites.py - where the new memory was allocated: tracemalloc's snapshots
compared by traceback, and the allocation frames of single objects.

finish() stops tracing before its costly part (every allocation explain
itself makes would otherwise be traced, ids and ints included), so the frames
of the objects it may later name are pinned first (Pins).
"""

import sys
import tracemalloc

from . import safe
from .drive import DRIVER_FILE

TOP_SITES = 10  # rows of "where"

_MANAGED_DICT = 1 << 4   # Py_TPFLAGS_MANAGED_DICT in 3.11
_HAVE_GC = 1 << 14       # Py_TPFLAGS_HAVE_GC


def _raw_traceback_fn():
    """3.11's get_object_traceback() misses objects with a pre-header (the
    instances of most classes: gh-101430, fixed in 3.12). The C function it
    should have called, looked up now: importing ctypes later, while tracing,
    would show up among the allocation sites."""
    if sys.version_info[:2] != (3, 11):
        return None, 0
    try:
        import ctypes
        fn = ctypes.pythonapi._PyTraceMalloc_GetTraceback
        fn.argtypes = (ctypes.c_uint, ctypes.c_size_t)
        fn.restype = ctypes.py_object
        return fn, ctypes.sizeof(ctypes.c_void_p)
    except Exception:
        return None, 0


_RAW_TRACEBACK, _WORD = _raw_traceback_fn()


def _managed_dict_traceback(obj):
    """The allocation traceback of an object with a pre-header: its block
    starts two words (the pre-header) before the GC header, which is two
    words before the object."""
    fn, word = _RAW_TRACEBACK, _WORD
    if fn is None:
        return None
    try:
        flags = safe.T_FLAGS.__get__(type(obj))
        if not (flags & _MANAGED_DICT and flags & _HAVE_GC):
            return None
        tb = fn(0, id(obj) - 4 * word)
    except Exception:
        return None
    return list(tb) if type(tb) is tuple else None


def obj_frames(obj):
    """[(filename, lineno)], most recent first, of the allocation of obj's
    memory block; None when tracemalloc did not see it."""
    if not tracemalloc.is_tracing():
        return None
    try:
        tb = tracemalloc.get_object_traceback(obj)
    except Exception:
        tb = None
    if tb is None:
        return _managed_dict_traceback(obj)
    out = []
    for i in range(len(tb) - 1, -1, -1):
        out.append((tb[i].filename, tb[i].lineno))
    return out


def format_site(frames, names):
    """The most recent frame outside explain and importlib, as text."""
    for fn, ln in frames or ():
        if not safe.is_own_file(fn) and fn not in safe.IMPORTLIB_FRAMES:
            return names.site(fn, ln)
    return None


class Pins:
    """Allocation frames of objects, by id, read while tracemalloc still
    traces. Strings only: nothing here refers to the program."""

    __slots__ = ("frames", "names")

    def __init__(self, own, names):
        self.frames = {}
        self.names = names
        own.add(self)
        own.add(self.frames)

    def pin(self, obj):
        if id(obj) not in self.frames:
            self.frames[id(obj)] = obj_frames(obj)

    def alloc_site(self, obj):
        """file:line in func where obj's memory block was allocated (most
        recent frame outside explain), or None when tracemalloc did not see
        it."""
        frames = self.frames.get(id(obj), 0)
        if frames == 0:
            frames = obj_frames(obj)
        return format_site(frames, self.names)

    def release(self):
        self.frames = {}


def _program_frames(traceback):
    """The program's frames of a trace, most recent first, or None when the
    allocation is explain's (or tracemalloc's) own. explain's driver loop
    (drive.py) calls the case's run(), so its frame, and whatever called it,
    sit below every allocation the program makes: the frames stop there.
    Any other frame of explain's first means explain allocated it. A
    suite's test is repeated by the suite adapter, whose frames sit below
    the test's (and its framework's) the same way, and whose own
    allocations are no more the test's than explain's are."""
    frames = []
    for i in range(len(traceback) - 1, -1, -1):
        fr = traceback[i]
        fn = fr.filename
        if fn == safe.TRACEMALLOC_FILE:
            return None
        if safe.is_own_file(fn):
            if fn != DRIVER_FILE or not frames:
                return None
            break
        if safe.is_harness_file(fn):
            if not frames:
                return None
            break
        if fn in safe.IMPORTLIB_FRAMES:
            continue
        frames.append((fn, fr.lineno))
    return frames


def _cut_at(frames, last_file):
    """frames (most recent first) up to the outermost one in last_file, or
    all of them when none is: a suite's test function is to the framework
    that calls it what a case's run() is to the driver, so its frames end
    there too, whatever pytest or unittest frames lie below it."""
    if last_file:
        for i in range(len(frames) - 1, -1, -1):
            if frames[i][0] == last_file:
                return frames[:i + 1]
    return frames


def sites(before, after, iterations, depth, names, last_file=None):
    """Allocation sites that grew between the snapshots `before` and
    `after`, largest first, per iteration; last_file: a suite test's file,
    where its tracebacks end (_cut_at)."""
    if before is None or after is None:
        return None
    diffs = after.compare_to(before, "traceback")
    groups = {}
    for sd in diffs:
        if sd.size_diff == 0 and sd.count_diff == 0:
            continue
        frames = _program_frames(sd.traceback)
        if frames is None:
            continue
        frames = _cut_at(frames, last_file)
        # a comprehension is a frame of its own at the same line: show once
        uniq = []
        for fr in frames:
            if not uniq or uniq[-1] != fr:
                uniq.append(fr)
        key = tuple(uniq[:depth]) or (("<import machinery>", 0),)
        g = groups.get(key)
        if g is None:
            g = groups[key] = [0, 0]
        g[0] += sd.size_diff
        g[1] += sd.count_diff
    del diffs
    out = []
    for key, (size, count) in groups.items():
        if size <= 0 and count <= 0:
            continue
        out.append({
            "size_diff": size, "count_diff": count,
            "bytes_per_iter": size / iterations,
            "blocks_per_iter": count / iterations,
            "frames": [{"filename": fn, "lineno": ln,
                        "function": names.func_at(fn, ln) if ln else "",
                        "where": names.site(fn, ln) if ln else
                        ("<no Python frame: allocated by C code>"
                         if fn == "<unknown>" else fn)}
                       for fn, ln in key],
        })
    out.sort(key=lambda s: (-s["size_diff"], -s["count_diff"]))
    return out[:TOP_SITES]
