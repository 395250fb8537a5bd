# A string literal with a Latin-1 byte (caf\xe9): Python refuses the
# file at load, and the message says why in readable text.
# e2e: verdict=error phase=load message=SyntaxError: .*can't decode byte 0xe9
NAME = "café"


def run():
    pass
