# leakcheck: expect=leak
# leakcheck: source="Python docs, contextvars: ContextVars should be created at module level, never in closures"
"""A new ContextVar created and set on every call.

A Context holds strong references to every ContextVar set in it, so a
ContextVar created inside a function and set in the (long-lived) current
context is never freed: the context's mapping gains one variable and its
value per call. The docs warn against exactly this.
"""

import contextvars


def handle_request(request_id):
    current_request = contextvars.ContextVar("current_request")
    current_request.set(request_id)
    return current_request.get()


def run():
    handle_request("req")
