# leakcheck: expect=clean
# leakcheck: source="issue 3: a WeakValueDictionary cache"
"""A cache of objects by key in a WeakValueDictionary, new keys each call.

Each call creates a Session and caches it by a new id; nothing else keeps
the Session alive, so its entry goes away with it. The cache never grows,
however many keys it has seen. (A plain dict here would be
global_registry_dict_grows.py.)
"""
import itertools
import weakref


class Session:
    def __init__(self, sid):
        self.sid = sid
        self.data = {"user": sid, "roles": ["reader"]}


_cache = weakref.WeakValueDictionary()
_ids = itertools.count()


def run():
    sid = next(_ids)
    s = Session(sid)
    _cache[sid] = s
    assert _cache.get(sid) is s
