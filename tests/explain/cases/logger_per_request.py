# leakcheck: expect=leak
# leakcheck: source="tests/explain: logging.getLogger with a unique name"
"""logging.getLogger() with a new name per call: the manager keeps them all."""

import itertools
import logging

_ids = itertools.count()


def run():
    log = logging.getLogger("app.request.%d" % next(_ids))
    log.debug("handling")


def teardown():
    d = logging.Logger.manager.loggerDict
    for name in [n for n in d if n.startswith("app.request.")]:
        del d[name]
