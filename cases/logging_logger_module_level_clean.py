# leakcheck: expect=clean
# leakcheck: source="logging.getLogger with a unique name per request (the fix: one logger, id in the record)"
"""One module-level logger; the request id goes in the message, not the name.

The fix for logging_logger_per_request.py: the logger is fetched once and
the per-request id is passed as a log argument, so the logging manager's
dict does not grow. DEBUG is below the default level: nothing is printed.
"""

import itertools
import logging

_ids = itertools.count()
log = logging.getLogger("app.request")


def handle(request_id):
    log.debug("handling %s", request_id)


def run():
    handle(next(_ids))
