# leakcheck: expect=clean
# leakcheck: source="control for python/cpython#126083"
"""Re-initialising an asyncio.Task with the default context=None: nothing
leaks.

Clean twin of cpython_asyncio_task_reinit_context.py. There the second
Task.__init__ passes an explicit context, and _asyncio_Task___init___impl()
in Modules/_asynciomodule.c (3.11) stores it with a plain
`self->task_context = Py_NewRef(context)`, so the Context stored by the first
__init__ is never released (gh-126083, fixed in 3.12.8 / 3.13.1). Here the
task is created and re-initialised the same way, but the second __init__
leaves context=None, whose branch copies the current context with
Py_XSETREF() and so releases the first one. As in the leaking twin the second
__init__ schedules an extra __step on the finished task; the loop's exception
handler silences the InvalidStateError it reports, and a second
run_until_complete drains it. Every signal must stay flat.
"""
import asyncio
import contextvars

_loop = asyncio.new_event_loop()
_loop.set_exception_handler(lambda loop, context: None)


async def _coro():
    pass


def run():
    c = _coro()
    t = asyncio.Task(c, loop=_loop, context=contextvars.copy_context())
    t.__init__(c, loop=_loop)   # context=None: Py_XSETREF releases the first Context
    _loop.run_until_complete(t)
    _loop.run_until_complete(asyncio.sleep(0))   # drain the extra __step callback
