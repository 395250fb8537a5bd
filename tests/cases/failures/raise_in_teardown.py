# Raises in teardown(), after every iteration ran: still an error.
# e2e: verdict=error phase=teardown message=TeardownBoom


def run():
    pass


def teardown():
    raise KeyError("TeardownBoom")
