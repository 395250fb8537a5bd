# leakcheck: memory=512
# One allocation far past the cap, nothing kept: an error that says so.
def run():
    bytearray(1 << 40)
