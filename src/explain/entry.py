"""entry.py - the one entry point of the explain pass.

    json_text, text = run(module, iterations=100, warmup=5, depth=8,
                          growth=None, native_per_iter=0.0, dot_path=None,
                          step=None, test=None)

run() is what src/explain/explain.c calls and what the tests call, so the defaults
live here only. The caller has loaded the case (as "__leakcheck_case__") and
called its setup(); it calls teardown() after run() returns. setup() and
teardown() stay with the caller because they are the case's own phases,
whose failures the caller reports by name ("explanation failed in setup"),
as the verdict does; run() raises whatever the case's run() raises.

run() calls the case's run() warmup + WARMUP_EXTRA times unread, then
begin(), `iterations` more times (the last PY_ITERATIONS with Python's
allocators noted with C stacks, nativesites.py_start()), then finish();
when the refs signal grew, refgrowth.ATTRIBUTE_ITERATIONS more under its
tracer, after finish() (refgrowth.py). The extra warm-up is longer
than the verdict's: one-time growth (imports, first fills) must not be taken
for what keeps growing.

A suite's test (src/suite/) is explained the same way: its caller hands the
test's module (whose names the report uses) and, as step, the suite
adapter's callable that is one repetition of the test, the one the verdict
repeated; test is its id, named in the report.

iterations 0 is the default: ITERATIONS for a case; for a suite's test, as
many as fit TEST_TRACED_S of CPU at its first traced call's cost, between
TEST_ITERATIONS_MIN and ITERATIONS (under tracemalloc a pytest test's call
costs 40 to 60 ms where it costs 1: 100 of them were most of its pass).
"""

import gc
import time
import tracemalloc

from . import (census, drive, holders, nativesites, others, refgrowth,
               render, safe, sites)
from .names import Names
from .sites import Pins

WARMUP_EXTRA = 20        # run() calls beyond the case's warm-up
ITERATIONS = 100         # run() calls between the two snapshots
WARMUP = 5               # the case header's default warm-up
DEPTH = 8                # frames per allocation traceback
CHAIN_SAMPLES = 3        # holder chains reported
CHAIN_DEPTH = 12         # labelled steps per chain searched backwards
TIME_BUDGET_S = 10.0     # CPU seconds of finish()'s searches
PY_ITERATIONS = 20       # last measured calls whose Python blocks get C stacks
TEST_TRACED_S = 1.0      # CPU seconds of traced calls a suite's test gets
TEST_ITERATIONS_MIN = 25  # calls between the snapshots a suite's test gets
MEMORY_SIGNALS = ("py_blocks", "py_bytes", "native_bytes")
NOT_RECORDED = ("not recorded: the verdict saw references, descriptors or "
                "threads grow, no memory")


def run(module, iterations=ITERATIONS, warmup=WARMUP, depth=DEPTH,
        growth=None, native_per_iter=0.0, dot_path=None,
        chain_samples=CHAIN_SAMPLES, chain_depth=CHAIN_DEPTH,
        time_budget=TIME_BUDGET_S, step=None, test=None):
    """Explain why the loaded case `module` grows (or, with step, why
    repeating step grows: a suite's test `test`). growth: {signal: growth
    per iteration} as the verdict measured it; native_per_iter: the
    verdict's native heap growth (this pass cannot measure it: tracemalloc's
    own tables are native memory); dot_path: the DOT file to write, or None.
    Returns (json_text, text)."""
    if step is None:
        step = safe.dget(safe.mdict(module), "run")
    if step is None:
        raise TypeError("the case defines no run()")
    fit = not iterations and test is not None
    iterations = max(int(iterations or ITERATIONS), 1)
    drive.repeat(step, max(int(warmup), 0) + WARMUP_EXTRA)
    state = census.take_before(module, depth, "refs" in (growth or {}))
    if test is not None:  # its frames end in its file (sites.sites)
        state.frames_stop = state.case_file
    recording = nativesites.start() if _records_memory(growth) else None
    done, per_call = 0, 0.0
    try:
        if fit:
            iterations, per_call = _fitted(step)
            done = 1
        py_n = min(PY_ITERATIONS, iterations)
        drive.repeat(step, iterations - py_n - done)
        recording_py = nativesites.py_start(recording)
        drive.repeat(step, py_n)
    except BaseException:
        nativesites.stop(recording)
        _abandon(state)
        raise
    nativesites.py_stop(recording)  # collects first, when gc is on
    if recording is None and state.refs_snap is not None and gc.isenabled():
        gc.collect()
    ref_objs = refgrowth.grown(state.refs_snap, iterations)
    state.refs_snap = None
    raw = nativesites.stop(recording)
    _py_blocks(state, raw, py_n if recording_py else 0)
    state.native_sites = raw
    raw = None
    rep = finish(state, iterations, native_per_iter, growth, dot_path,
                 chain_samples, chain_depth, time_budget, ref_objs,
                 render_it=False)
    names = rep.pop("_names")
    if test is not None:
        rep["test"] = str(test)
    if fit and iterations < ITERATIONS:
        rep["notes"].append(
            "%d iterations, not %d: a traced call of this test costs %.0f ms "
            "of CPU (--explain-iterations N sets them)"
            % (iterations, ITERATIONS, 1000 * per_call))
    if ref_objs and rep["refs"]:
        _attribute_refs(rep, step, ref_objs, names)
    del ref_objs[:]
    return render.to_json(rep), render.to_text(rep)


def _records_memory(growth):
    """Whether the measured calls' blocks are recorded with their C stacks
    (native sites, Python blocks): not when the verdict saw no memory grow
    (a reference leak), where they cost a C stack per malloc (0.9 s of a
    pytest test's pass of 3.2) and show only blocks that come and go.
    Without a verdict's growth, they are."""
    return not growth or any(growth.get(s) for s in MEMORY_SIGNALS)


def _fitted(step):
    """The first traced call of a suite's test, timed. Returns (the calls
    between the snapshots that fit TEST_TRACED_S at its cost, its cost)."""
    t0 = time.process_time()
    drive.repeat(step, 1)
    spent = time.process_time() - t0
    n = int(TEST_TRACED_S / max(spent, 1e-6))
    return min(max(n, TEST_ITERATIONS_MIN), ITERATIONS), spent


def _attribute_refs(rep, step, ref_objs, names):
    """Step 2 of refgrowth.py: which calls take the references of the
    objects finish() named (rep["refs"]["objects"], in ref_objs' order)."""
    objs = [e[0] for e in ref_objs]
    try:
        done, acc = refgrowth.attribute(step, objs)
    except Exception as e:  # the case's run() raised under the trace
        rep["notes"].append("the calls taking references were not traced: "
                            "run() raised %s" % type(e).__name__)
        done, acc = 0, {}
    objs = None
    for i, row in enumerate(rep["refs"]["objects"]):
        row["takers"], taken = refgrowth.takers(acc, i, done, names)
        if done and taken <= 2 * row["refs_per_iter"] + 1:
            # what the program's lines took over the traced calls; the
            # snapshots' figure also moves with explain's own bookkeeping,
            # and a one-off release (a frame's first entry) is no line's.
            # Far above the snapshots' figure, lines took what others
            # released (None under pytest: 526 a call for 1 kept), and
            # the snapshots' figure stands
            row["refs_per_iter"] = taken
    rep["refs"]["attributed_iterations"] = done


def _py_blocks(st, raw, py_n):
    """What the Python blocks that stayed are (nativesites.py_report),
    into st.py_blocks before finish() counts anything (own_before()
    registers it as explain's), the survivors themselves dropped."""
    own = safe.Own()
    try:
        names = Names(own, st.case_name, st.case_stem)
        st.py_blocks = nativesites.py_report(raw if py_n else None, py_n,
                                             names)
    finally:
        if raw is not None:
            raw.pop("py_survivors", None)
        own.release()


def _refs_named(ref_objs, growth, search, names, iterations, chain_depth):
    """Step 1 of refgrowth.py as the report's "refs": each object whose
    reference count grew, by name or by its holder chain."""
    out = []
    pending = []
    roots = False
    for obj, gain in ref_objs:
        row = {"object": refgrowth.object_name(obj, names),
               "type": names.tkey(type(obj)),
               "refs_per_iter": gain / iterations, "holder": None,
               "takers": []}
        if row["object"] is None:
            if not roots:
                search.build_roots()
                roots = True
            e = search.search(row["type"], obj, chain_depth, pending)
            if pending:
                search.resolve_pending(pending, chain_depth)
                del pending[:]
            e.pop("graph", None)
            row["holder"] = e["chain"]
            row["object"] = "%s %s" % (names.tshort(type(obj)), e["chain"]) \
                if e["status"] == "found" else names.tkey(type(obj))
        out.append(row)
    obj = None
    return {"per_iter": float(growth.get("refs", 0)), "objects": out,
            "attributed_iterations": 0,
            "note": None if out else
            "no object reached from the collector's lists gained "
            "references (the leaked ones are reached from none of them: "
            "an interned string, a static type)"}


def _abandon(state):
    """The case raised between begin() and finish(): leave tracing as
    begin() found it."""
    state.snapshot = None
    if state.started_tracing and tracemalloc.is_tracing():
        tracemalloc.stop()
    state.started_tracing = False


def begin(module, depth=DEPTH):
    """After setup() and the warm-up, before the measured run() calls.
    Returns an opaque state for finish(): ids, counts, a snapshot."""
    return census.take_before(module, depth)


def finish(state, iterations, native_per_iter, growth, dot_path=None,
           chain_samples=CHAIN_SAMPLES, chain_depth=CHAIN_DEPTH,
           time_budget=TIME_BUDGET_S, ref_objs=(), render_it=True):
    """After `iterations` more run() calls. Returns (json_text, text), or
    the report as a dict when not render_it. ref_objs: refgrowth.grown()'s
    [[object, references gained]], named in the report's "refs"."""
    t0 = time.perf_counter()
    st = state
    iterations = max(int(iterations), 1)
    budget = safe.Budget(time_budget)
    own = safe.Own()
    names = Names(own, st.case_name, st.case_stem)
    pins = Pins(own, names)
    notes = own.mine([])
    own.add(ref_objs)
    for e in ref_objs:
        own.add(e)
    started = st.started_tracing
    try:
        gc_on = gc.isenabled()
        if gc_on:
            gc.collect()
        census.own_before(st, own)
        own.add_package()
        own.add(budget)
        cen = census.Census(st, own, names, pins)
        fd_owners = own.mine({})
        objs = own.mine(gc.get_objects())
        new_tracked, samples, usamples = cen.new_objects(objs, fd_owners)
        for item in others.new_threads(st, own):
            pins.pin(item[1])
        item = None
        after = None
        if st.snapshot is not None and tracemalloc.is_tracing():
            after = tracemalloc.take_snapshot()
        # The full pass runs untraced: each of its allocations would get a
        # traceback, which made it 3 to 60 times slower (the whole explain
        # pass of cases/ took 251 s of CPU with it traced, 85 s without;
        # a pytest test's 8.6 s, 0.13 s). Untraced, a new untracked object
        # at a reused address counts as old (census.full).
        if started:
            tracemalloc.stop()
        counts, new_untracked, ucont = cen.full(objs, usamples, budget, notes)
        objs.clear()
        if not started and tracemalloc.is_tracing():
            notes.append("tracemalloc was already tracing at begin(): "
                         "left as found (and explain ran slower under it)")
        rows = cen.grown(counts, new_tracked, new_untracked, iterations)
        grown_sites = sites.sites(st.snapshot, after, iterations, st.depth,
                                  names, st.frames_stop)
        after = None
        search = holders.HolderSearch(st, own, names, pins, budget, ucont)
        held = search.chains(rows, samples, usamples,
                             max(int(chain_samples), 0),
                             max(int(chain_depth), 1))
        if growth and "refs" in growth:
            # a budget of its own: the census may have spent the shared one
            search.budget = safe.Budget(max(float(time_budget) / 2, 1.0))
            refs = _refs_named(ref_objs, growth, search, names, iterations,
                               chain_depth)
        else:
            refs = None
        search = None
        fds = others.fd_report(st, names, fd_owners, iterations)
        threads = others.thread_report(st, own, names, pins, iterations)
        growth = dict(growth or {})
        native = None
        if native_per_iter or growth.get("native_bytes"):
            native = others.native_report(
                st, names, float(native_per_iter or
                                 growth.get("native_bytes", 0)), grown_sites)
        native_sites = nativesites.report(
            st.native_sites, iterations,
            None if _records_memory(growth) else NOT_RECORDED)
        dot = None
        if dot_path:
            dot = render.write_dot(str(dot_path), held, notes, budget.left())
        for h in held:
            h.pop("graph", None)
        rep = {
            "case": st.case_file or st.case_stem,
            "case_short": names.short(st.case_file) if st.case_file
            else st.case_stem,
            "iterations": iterations,
            "growth": growth,
            "gc_enabled": gc_on,
            "tracemalloc": {"started_by_explain": started,
                            "frames": st.depth if started
                            else tracemalloc.get_traceback_limit()},
            "types": rows[:render.TOP_TYPES],
            "sites": grown_sites,
            "holders": held,
            "fds": fds,
            "threads": threads,
            "native": native,
            "native_sites": native_sites,
            "py_blocks": st.py_blocks,
            "refs": refs,
            "dot": dot,
            "notes": notes[:],
            "elapsed_s": round(time.perf_counter() - t0 + st.begin_s, 3),
        }
        if not render_it:
            rep["_names"] = names
            return rep
        return render.to_json(rep), render.to_text(rep)
    finally:
        own.release()
        pins.release()
        st.snapshot = None
        if started and tracemalloc.is_tracing():
            tracemalloc.stop()
        st.started_tracing = False
