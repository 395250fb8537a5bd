# Done within a second: in the journal before any interrupt.
def run():
    pass
