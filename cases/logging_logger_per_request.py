# leakcheck: expect=leak
# leakcheck: source="logging.getLogger with a unique name per request"
"""logging.getLogger() with a new name on every call.

The logging manager keeps every logger ever requested in
logging.Logger.manager.loggerDict and never removes one, so a logger named
per request ("app.request.<id>") adds a Logger (and a placeholder entry) per
call, forever.
"""

import itertools
import logging

_ids = itertools.count()


def handle(request_id):
    log = logging.getLogger(f"app.request.{request_id}")
    log.debug("handling")


def run():
    handle(next(_ids))


def teardown():
    d = logging.Logger.manager.loggerDict
    for name in [n for n in d if n.startswith("app.request.")]:
        del d[name]
