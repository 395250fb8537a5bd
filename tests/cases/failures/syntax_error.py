# Does not compile: an error while loading, naming the syntax error.
# e2e: verdict=error phase=load message=SyntaxError


def run(:
    pass
