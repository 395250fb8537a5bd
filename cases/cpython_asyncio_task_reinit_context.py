# leakcheck: expect=leak
# leakcheck: source="python/cpython#126083 (fixed in 3.12.8 / 3.13.1)"
"""Re-initialising an asyncio.Task with a non-None context leaks the previous
context.  _asyncio_Task___init___impl() in Modules/_asynciomodule.c did
`self->task_context = Py_NewRef(context)` (plain store) in the non-None branch
instead of Py_XSETREF(), so the contextvars.Context stored by the first
__init__ is never released.  gh-126083 "Fixed a reference leak in
asyncio.Task objects when reinitializing the same object with a non-None
context", fixed in 3.12.8 and 3.13.1 (3.13.0 still leaks).  The second
__init__ also schedules a second __step on the finished task; the loop's
exception handler silences the resulting InvalidStateError report."""
import asyncio
import contextvars

_loop = asyncio.new_event_loop()
_loop.set_exception_handler(lambda loop, context: None)


async def _coro():
    pass


def run():
    c = _coro()
    t = asyncio.Task(c, loop=_loop, context=contextvars.copy_context())
    t.__init__(c, loop=_loop, context=contextvars.copy_context())  # 1st Context leaked
    _loop.run_until_complete(t)
    _loop.run_until_complete(asyncio.sleep(0))   # drain the extra __step callback
