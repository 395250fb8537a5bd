"""What the canary's leaking twins share (tests/canary/README.md).

keep() keeps one object per call for good: the leak every twin has.
twin() makes a test's leaking twin: the same test, same signature (so the
same fixtures), same marks, keeping one object first.
"""
import functools
import inspect

KEPT = []


def keep():
    KEPT.append(object())


def twin(fn):
    if inspect.iscoroutinefunction(fn):
        @functools.wraps(fn)
        async def leaks(*args, **kwargs):
            keep()
            return await fn(*args, **kwargs)
    else:
        @functools.wraps(fn)
        def leaks(*args, **kwargs):
            keep()
            return fn(*args, **kwargs)
    leaks.__name__ = leaks.__qualname__ = fn.__name__ + "_leaks"
    return leaks


def twins_of(namespace, source, prefix="test"):
    """A twin in namespace of every test function of module source."""
    for name, fn in list(vars(source).items()):
        if name.startswith(prefix) and inspect.isfunction(fn):
            namespace[name + "_leaks"] = twin(fn)


def twin_class(cls, module):
    """A subclass of test class cls, in module (a name), whose test methods
    are all twins."""
    body = {}
    for name, fn in list(vars(cls).items()):
        if name.startswith("test") and inspect.isfunction(fn):
            body[name + "_leaks"] = twin(fn)
            body[name] = None  # only the twins run here
    sub = type(cls.__name__ + "Leaks", (cls,), body)
    sub.__module__ = module
    return sub
