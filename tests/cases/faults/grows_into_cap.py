# leakcheck: expect=leak memory=512
# Keeps 32 MiB per call: under a 512 MiB cap it meets MemoryError within
# about a dozen calls, a leak by its growth, never the machine's OOM killer.
KEEP = []


def run():
    KEEP.append(bytearray(32 << 20))
