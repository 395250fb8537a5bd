# setup is a string, not a function.
# e2e: verdict=error phase=load message=setup is not callable \(it is a str\)
setup = "connect()"


def run():
    pass
