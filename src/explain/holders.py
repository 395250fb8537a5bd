"""holders.py - who holds the new objects: the shortest reference chain from
a root (a module global, a class that existed at begin(), a live frame of a
thread), labelled with attribute names, dict keys and indexes.

objgraph's find_backref_chain, one get_referrers() pass per level, bounded in
depth, frontier and time; when it finds no root, one forward walk from the
roots tells a long chain from an unreachable object, and a bounded forward
walk looks for the reference cycle keeping an unreachable one alive.
"""

import gc
import sys
import threading

from . import safe
from .census import SAMPLES_PER_TYPE

FRONTIER_MAX = 300      # get_referrers(*frontier) is O(heap * frontier)
CYCLE_NODES_MAX = 5000  # forward walk looking for a cycle back to a target


def chain_rank(entry):
    """Found chains first, shortest first; a hop is a labelled step (a
    __dict__ in between, materialised or not, is no hop)."""
    hops = 0
    for st in entry["steps"]:
        if st["via"]:
            hops += 1
    return (entry["status"] != "found", hops)


def root_node_label(root):
    if root[1] in ("module", "class"):
        return root[1] + " " + root[0]
    return root[0]


def graph(nodes, steps, root_label):
    """Nodes and edges (strings only) for the DOT picture."""
    g_nodes = []
    g_edges = []
    for i, n in enumerate(nodes):
        nid = "n%x" % id(n)
        lab = root_label if i == 0 else steps[i]["type"]
        if i == len(nodes) - 1:
            lab = steps[i]["type"]
        g_nodes.append((nid, lab, i == 0))
        if i:
            g_edges.append(("n%x" % id(nodes[i - 1]), nid,
                            steps[i]["via"] or " "))
    return {"nodes": g_nodes, "edges": g_edges}


class HolderSearch:
    """The chain searches of one finish(). The roots (module names, frame
    f_locals dicts) and the untracked containers the census found (`ucont`,
    invisible to get_referrers) are explain's own containers."""

    __slots__ = ("st", "own", "names", "pins", "budget", "ucont",
                 "modnames", "frame_roots", "fdicts")

    def __init__(self, st, own, names, pins, budget, ucont):
        self.st = st
        self.own = own
        self.names = names
        self.pins = pins
        self.budget = budget
        self.ucont = ucont
        self.modnames = {}
        self.frame_roots = {}
        self.fdicts = own.mine([])
        for x in (self, self.modnames, self.frame_roots):
            own.add(x)

    # -- roots -------------------------------------------------------------

    def build_roots(self):
        """Modules by sys.modules name; live frames of every thread (other
        than explain's own) by the f_locals dict they expose."""
        st, names = self.st, self.names
        try:
            items = list(dict.items(sys.modules))
        except Exception:
            items = []
        for name, m in items:
            if type(name) is str and issubclass(type(m), safe.ModuleType):
                if name == st.case_name:
                    name = st.case_stem
                old = self.modnames.get(id(m))
                if old is None or len(name) < len(old):
                    self.modnames[id(m)] = name
        del items
        tnames = {}
        active = getattr(threading, "_active", None)
        if type(active) is dict:
            try:
                for ident, th in dict.items(active):
                    nm = safe.dget(names.instance_dict(th), "_name")
                    if type(nm) is str:
                        tnames[ident] = nm
            except Exception:
                pass
        frames = sys._current_frames()
        dicts = self.fdicts
        for ident, f in frames.items():
            tname = tnames.get(ident, "thread %d" % ident)
            while f is not None:
                try:
                    code = safe.F_CODE.__get__(f)
                    fn = safe.CO_FILENAME.__get__(code)
                    if not safe.is_own_file(fn):
                        loc = safe.F_LOCALS.__get__(f)
                        if type(loc) is dict and \
                                loc is not safe.F_GLOBALS.__get__(f):
                            dicts.append(loc)
                            self.frame_roots[id(loc)] = \
                                "[thread %r: %s() at %s:%s]" % (
                                    tname, safe.CO_QUALNAME.__get__(code),
                                    names.short(fn), safe.F_LINENO.__get__(f))
                    f = safe.F_BACK.__get__(f)
                except Exception:
                    break
        f = frames = None

    def root_label(self, o):
        """(label, kind) of a root, or None when o is not a root."""
        i = id(o)
        lab = self.frame_roots.get(i)
        if lab is not None:
            return lab, "frame"
        t = type(o)
        if issubclass(t, safe.ModuleType):
            name = self.modnames.get(i)
            if name is None and i == self.st.case_id:
                name = self.st.case_stem
            if name is not None:
                return name, "module"
            return None
        if issubclass(t, type) and i in self.st.ids:
            # a class that existed at begin(); a class created since may
            # itself be the leak, so the search goes on past it
            return self.names.tshort(o), "class"
        return None

    # -- labels ------------------------------------------------------------

    def edge(self, a, b, mode, fn):
        """Label for the reference a -> b. mode: "attr" when a is the
        __dict__ of the previous node, "closure" when a is fn.__closure__,
        "cell" when a is a closure cell, "frame" when a is a frame root's
        f_locals. Returns (label, next_mode, next_fn)."""
        names = self.names
        ta = type(a)
        if mode == "closure" and ta is tuple:
            i = safe.find_in_seq(a, b, tuple.__getitem__, tuple.__len__)
            free = ()
            try:
                free = safe.CO_FREEVARS.__get__(safe.FN_CODE.__get__(fn))
            except Exception:
                pass
            if i is not None and i < len(free):
                return "<%s>" % free[i], "cell", None
            return "[%s]" % i, "cell", None
        if mode == "cell" and ta is safe.CellType:
            return "", None, None
        if issubclass(ta, type):
            if b is safe.class_dict(a):
                return "", "attr", None
        elif issubclass(ta, dict):
            try:
                for k, v in dict.items(a):
                    if v is b:
                        if mode == "frame":
                            return (k if type(k) is str
                                    else names.key_label(k)), None, None
                        if mode == "attr" and type(k) is str and \
                                k.isidentifier():
                            return "." + k, None, None
                        return "[%s]" % names.key_label(k), None, None
                for k, v in dict.items(a):
                    if k is b:
                        return "{key %s}" % names.key_label(k), None, None
            except Exception:
                pass
        elif ta is safe.MappingProxy:
            return "", mode, fn
        elif issubclass(ta, list):
            i = safe.find_in_seq(a, b, list.__getitem__, list.__len__)
            if i is not None:
                return "[%d]" % i, None, None
        elif issubclass(ta, tuple):
            i = safe.find_in_seq(a, b, tuple.__getitem__, tuple.__len__)
            if i is not None:
                fields = safe.dget(safe.class_dict(ta), "_fields") \
                    if ta is not tuple else None
                if type(fields) is tuple and i < len(fields) and \
                        type(fields[i]) is str:
                    return "." + fields[i], None, None
                return "[%d]" % i, None, None
        elif issubclass(ta, safe.deque):
            try:
                i = 0
                for x in safe.deque.__iter__(a):
                    if x is b:
                        return "[%d]" % i, None, None
                    i += 1
            except Exception:
                pass
        elif issubclass(ta, (set, frozenset)):
            k = names.krepr(b)
            return "{%s}" % (k if k is not None
                             else "<%s>" % names.tshort(type(b))), None, None
        elif ta is safe.FrameType or safe.is_one_of(ta, safe.GENERATOR_TYPES):
            f, pre = a, ""
            if ta is not safe.FrameType:
                dnames, descrs, _ = names.pure_descs(ta)
                for i in range(len(dnames)):
                    if dnames[i] in ("gi_frame", "cr_frame", "ag_frame"):
                        try:
                            f, pre = descrs[i].__get__(a, ta), "." + dnames[i]
                        except Exception:
                            f = None
            if type(f) is safe.FrameType:
                try:
                    for k, v in dict.items(safe.F_LOCALS.__get__(f)):
                        if v is b:
                            return "%s.f_locals[%s]" % (
                                pre, names.key_label(k)), None, None
                except Exception:
                    pass
        # functools' C lru_cache keeps its entries in a dict field of its own
        if names.tkey(ta) == "functools._lru_cache_wrapper":
            d = names.instance_dict(a)
            if type(b) is dict and b is not d:
                return ".cache", None, None
            if b is not d and b is not safe.dget(d, "__wrapped__") and \
                    not issubclass(type(b), type):
                # a bounded cache's entries are C structs the wrapper
                # traverses
                return ".cache<entry>", None, None
        d = names.instance_dict(a)
        if d is not None and not issubclass(ta, type):
            if b is d:
                return "", "attr", None
            try:
                for k, v in dict.items(d):
                    if v is b:
                        if type(k) is str and k.isidentifier():
                            return "." + k, None, None
                        return ".__dict__[%s]" % names.key_label(k), None, None
            except Exception:
                pass
        dnames, descrs, _ = names.pure_descs(ta)
        for i in range(len(dnames)):
            name = dnames[i]
            try:
                v = descrs[i].__get__(a, ta)
            except Exception:
                continue
            if v is b:
                if name == "__closure__":
                    return "", "closure", a
                if name == "cell_contents" and mode == "cell":
                    return "", None, None
                return "." + name, None, None
        return "->(%s)" % names.tshort(type(b)), None, None

    def render(self, nodes, root=None):
        """nodes: [n0, ..., nk], each referring to the next. Returns the chain
        as text and its steps. root: the label of n0, or None to show its
        type."""
        tkey = self.names.tkey
        mode = fn = None
        if root is None:
            text = "(%s)" % self.names.tshort(type(nodes[0]))
        else:
            text = root[0]
            if root[1] == "frame":
                mode = "frame"
                text += " "
        steps = [{"type": tkey(type(nodes[0])), "via": text}]
        for i in range(1, len(nodes)):
            lab, mode, fn = self.edge(nodes[i - 1], nodes[i], mode, fn)
            if lab == "" and i == len(nodes) - 1:
                # the object is itself a __dict__ or a __closure__
                lab = {"attr": ".__dict__",
                       "closure": ".__closure__"}.get(mode, "")
            text += lab
            steps.append({"type": tkey(type(nodes[i])), "via": lab})
        return text, steps

    # -- searches ----------------------------------------------------------

    def _path(self, start, parent, objs):
        out = self.own.mine([])
        i = start
        while i:
            out.append(objs[i])
            i = parent[i]
        return out

    def backward(self, target, max_depth):
        """BFS from target towards a root. Returns a dict: status ("found",
        "exhausted", "depth", "time"), path (root..target), cycle (nodes of a
        reference cycle met on the way, first node repeated at the end),
        dead_end (path from a node nobody visible refers to).
        max_depth counts labelled steps: an instance __dict__ between an
        object and its attribute is no step (it exists or not depending on
        whether someone read obj.__dict__, explain's own labelling included),
        so the search goes up to 2 * max_depth levels."""
        own = self.own
        own_ids = own.ids
        parent = own.mine({id(target): 0})
        objs = own.mine({id(target): target})
        frontier = own.mine([target])
        res = own.mine({"status": "exhausted", "path": None, "cycle": None,
                        "cycle_tail": None, "dead_end": None, "capped": False})
        depth = 0
        while frontier:
            if depth >= 2 * max_depth:
                res["status"] = "depth"
                break
            if self.budget.late():
                res["status"] = "time"
                break
            depth += 1
            fids = set()
            for x in frontier:
                fids.add(id(x))
            args = tuple(frontier)
            own_ids.add(id(args))
            refs = gc.get_referrers(*args)
            own_ids.add(id(refs))
            for u in self.ucont:
                for c in gc.get_referents(u):
                    if id(c) in fids:
                        refs.append(u)
                        break
            u = c = None
            nxt = own.mine([])
            referred = set()
            found = None
            for r in refs:
                ri = id(r)
                if ri in own_ids:
                    continue
                if type(r) is safe.FrameType and safe.is_own_frame(r):
                    continue
                kids = []
                for c in gc.get_referents(r):
                    if id(c) in fids:
                        kids.append(id(c))
                if not kids:
                    continue
                referred.update(kids)
                if ri in parent:
                    if res["cycle"] is None:
                        self._note_cycle(res, r, kids, parent, objs)
                    continue
                parent[ri] = kids[0]
                objs[ri] = r
                if found is None and self.root_label(r) is not None:
                    found = ri
                nxt.append(r)
            if res["dead_end"] is None:
                for x in frontier:
                    if id(x) not in referred:
                        res["dead_end"] = self._path(id(x), parent, objs)
                        break
            own_ids.discard(id(args))
            own_ids.discard(id(refs))
            del args, refs
            if found is not None:
                res["status"] = "found"
                res["path"] = self._path(found, parent, objs)
                break
            if len(nxt) > FRONTIER_MAX:
                del nxt[FRONTIER_MAX:]
                res["capped"] = True
            frontier = nxt
        return res

    def _note_cycle(self, res, r, kids, parent, objs):
        """r, already visited, refers to kids: when one of them leads back
        to r, r -> k -> ... -> r is a cycle, then r -> ... -> target."""
        ri = id(r)
        for k in kids:
            x = k
            while x and x != ri:
                x = parent[x]
            if x == ri:
                cut = self.own.mine([r])
                cut.extend(self._path(k, parent, objs))
                for j in range(1, len(cut)):
                    if cut[j] is r:
                        del cut[j + 1:]
                        break
                res["cycle"] = cut
                res["cycle_tail"] = self._path(ri, parent, objs)
                return

    def forward_reach(self, want):
        """One walk of everything reachable from the roots (modules, frames).
        Returns {target id: path root..target} for the ids in `want` that
        were reached, and whether the walk completed."""
        own = self.own
        parent = own.mine({})
        objs = own.mine({})
        queue = own.mine(safe.deque())
        found = own.mine({})
        starts = own.mine([])
        try:
            for name, m in list(dict.items(sys.modules)):
                if issubclass(type(m), safe.ModuleType) and \
                        id(m) not in own.ids:
                    starts.append(m)
        except Exception:
            pass
        for x in self.fdicts:
            starts.append(x)
        for s in starts:
            if id(s) not in parent:
                parent[id(s)] = 0
                objs[id(s)] = s
                queue.append(s)
        own_ids = own.ids
        n = 0
        complete = True
        remaining = set(want)
        while queue and remaining:
            n += 1
            if (n & 1023) == 0 and self.budget.late():
                complete = False
                break
            o = queue.popleft()
            oi = id(o)
            for r in gc.get_referents(o):
                ri = id(r)
                if ri in parent or ri in own_ids:
                    continue
                if type(r) is safe.FrameType and safe.is_own_frame(r):
                    continue
                parent[ri] = oi
                objs[ri] = r
                if ri in remaining:
                    remaining.discard(ri)
                    p = self._path(ri, parent, objs)
                    p.reverse()
                    found[ri] = p
                queue.append(r)
        o = r = None
        if queue and remaining:
            complete = False
        queue.clear()
        return found, complete

    def forward_cycle(self, target):
        """Shortest cycle target -> ... -> target along referents, bounded."""
        own = self.own
        tid = id(target)
        parent = own.mine({tid: 0})
        objs = own.mine({tid: target})
        queue = own.mine(safe.deque([target]))
        n = 0
        while queue and n < CYCLE_NODES_MAX and not self.budget.late():
            o = queue.popleft()
            n += 1
            for r in gc.get_referents(o):
                ri = id(r)
                if ri == tid:
                    p = self._path(id(o), parent, objs)
                    p.reverse()
                    p.append(target)
                    queue.clear()
                    return p
                if ri in parent or ri in own.ids:
                    continue
                parent[ri] = id(o)
                objs[ri] = r
                queue.append(r)
        queue.clear()
        return None

    def search(self, k, obj, chain_depth, pending):
        """One holder search; an entry of strings (and the object parked in
        `pending` when the backward search found no root)."""
        entry = {"type": k, "allocated_at": self.pins.alloc_site(obj),
                 "status": None, "root_kind": None, "chain": None,
                 "steps": [], "cycle": None, "note": None}
        if self.budget.late():
            entry["status"] = "skipped"
            entry["chain"] = "not searched: the time budget was spent"
            return entry
        res = self.backward(obj, chain_depth)
        if res["status"] == "found":
            path = res["path"]
            root = self.root_label(path[0])
            entry["status"] = "found"
            entry["root_kind"] = root[1]
            entry["chain"], entry["steps"] = self.render(path, root)
            entry["graph"] = graph(path, entry["steps"], root_node_label(root))
        else:
            pending.append(self.own.mine([entry, obj, res]))
        return entry

    def chains(self, rows, samples, usamples, chain_samples, chain_depth):
        """Who holds the new objects. One sample (the newest) of each of the
        top 2 x chain_samples growing types is searched; the chain_samples
        with the shortest chains are kept, since the object nearest its root
        is what the program keeps (the rest hang off it). When fewer types
        grew, more samples of the kept types fill up to chain_samples."""
        if chain_samples <= 0:
            return []
        # classes first (builtins such as list, cell, method usually hang
        # off one of them), then by growth
        cands = []
        for pos, r in enumerate(rows):
            if r["tracked_new"] + r["untracked_new"] >= 2 or \
                    r["per_iter"] >= 1.0:
                cands.append((r["type"].startswith("builtins."), pos,
                              r["type"]))
        if not cands:
            # growth in size rather than number (one string replaced by a
            # longer one): follow whatever is new
            for pos, r in enumerate(rows):
                cands.append((r["type"].startswith("builtins."), pos,
                              r["type"]))
        cands.sort()
        top = []
        for b, pos, k in cands[:2 * chain_samples]:
            top.append(k)
        pools = self.own.mine({})
        for k in top:
            pool = samples.get(k) or usamples.get(k)
            if pool:
                pools[k] = pool
        if not pools:
            return []
        self.build_roots()
        pending = self.own.mine([])
        first = []
        for idx, k in enumerate(top):
            if k in pools:
                first.append((idx, k, self.search(k, pools[k][-1],
                                                  chain_depth, pending)))
        if pending:
            self.resolve_pending(pending, chain_depth)
            del pending[:]
        first.sort(key=lambda t: (chain_rank(t[2]), t[0]))
        kept = first[:chain_samples]
        out = []
        for idx, k, e in kept:
            out.append((idx, 0, e))
        rnd = 1
        while len(out) < chain_samples and rnd < SAMPLES_PER_TYPE:
            added = False
            for idx, k, e in kept:
                pool = pools[k]
                if rnd < len(pool) and len(out) < chain_samples:
                    out.append((idx, rnd, self.search(
                        k, pool[len(pool) - 1 - rnd], chain_depth, pending)))
                    added = True
            if not added:
                break
            rnd += 1
        if pending:
            self.resolve_pending(pending, chain_depth)
            del pending[:]
        # samples of one type next to each other, in the kept order
        order = {}
        for pos, (idx, k, e) in enumerate(kept):
            order[k] = pos
        out.sort(key=lambda t: (order[t[2]["type"]], t[1]))
        result = []
        for idx, rnd, e in out:
            result.append(e)
        return result

    def resolve_pending(self, pending, chain_depth):
        """Samples with no root within the backward bounds: one forward walk
        from the roots tells reachable (and gives the chain) from
        unreachable."""
        tshort = self.names.tshort
        want = set()
        for item in pending:
            want.add(id(item[1]))
        reached, complete = ({}, False)
        if not self.budget.late():
            reached, complete = self.forward_reach(want)
        gc_on = gc.isenabled()
        for item in pending:
            entry, obj, res = item
            p = reached.get(id(obj))
            if p is not None:
                root = self.root_label(p[0]) or (tshort(type(p[0])), "module")
                entry["status"] = "found"
                entry["root_kind"] = root[1]
                entry["chain"], entry["steps"] = self.render(p, root)
                entry["graph"] = graph(p, entry["steps"],
                                       root_node_label(root))
                entry["note"] = "found by a forward walk from the roots " \
                    "(longer than chain_depth=%d or past the search " \
                    "bounds)" % chain_depth
                continue
            cyc = self.forward_cycle(obj) if not self.budget.late() else None
            tail = None
            if cyc is None and res["cycle"] is not None:
                cyc = res["cycle"]
                tail = res["cycle_tail"]
            if cyc is not None:
                ctext, csteps = self.render(cyc)
                entry["cycle"] = ctext + "  (back to the same %s)" % \
                    tshort(type(cyc[0]))
                if tail is not None and len(tail) > 1:
                    entry["cycle"] += "; it holds the object as " + \
                        self.render(tail)[0]
                entry["graph"] = graph(cyc, csteps,
                                       "(%s)" % tshort(type(cyc[0])))
            if not complete:
                entry["status"] = "not_found"
                entry["root_kind"] = None
                entry["chain"] = "no root found within chain_depth=%d and " \
                    "the time budget" % chain_depth
                continue
            entry["status"] = "unreachable"
            _explain_unreachable(entry, cyc is not None, gc_on)
            de = res["dead_end"]
            if de and cyc is None and len(de) > 1:
                t, _ = self.render(de)
                entry["note"] = "the references seen end at " + t
            elif de and cyc is None:
                entry["note"] = "nothing the gc can see refers to it: a " \
                    "reference kept by C code (a missing Py_DECREF, or " \
                    "interpreter state)"


def _explain_unreachable(entry, cycle, gc_on):
    if cycle and not gc_on:
        entry["root_kind"] = "cycle"
        entry["chain"] = "unreachable: kept alive by a reference cycle " \
                         "(gc is disabled)"
    elif cycle:
        entry["root_kind"] = "cycle"
        entry["chain"] = "unreachable from any root: a reference cycle kept " \
                         "alive by references the gc cannot see (C code)"
    elif not gc_on:
        entry["root_kind"] = "none"
        entry["chain"] = "unreachable from any root (gc is disabled: held " \
                         "by garbage the collector would free)"
    else:
        entry["root_kind"] = "none"
        entry["chain"] = "unreachable from any root: held by references " \
                         "the gc cannot see (C code or interpreter state)"
