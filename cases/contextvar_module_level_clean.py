# leakcheck: expect=clean
# leakcheck: source="Python docs, contextvars (the fix: one module-level ContextVar)"
"""One module-level ContextVar, set and reset on every call.

The fix for contextvar_created_per_call.py: the variable is created once at
import, and each call sets it and resets it with the token, so the current
context's mapping does not grow.
"""

import contextvars

current_request = contextvars.ContextVar("current_request")


def handle_request(request_id):
    token = current_request.set(request_id)
    try:
        return current_request.get()
    finally:
        current_request.reset(token)


def run():
    handle_request("req")
