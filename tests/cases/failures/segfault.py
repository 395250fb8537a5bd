# Reads address 0 from run(): the worker dies by SIGSEGV; the others go on.
# e2e: verdict=crash phase=worker message=Segmentation
import ctypes


def run():
    ctypes.string_at(0)
