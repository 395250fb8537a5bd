# A message holding a byte that is not UTF-8 (a file name decoded with
# surrogateescape): shown escaped, not lost.
# e2e: verdict=error phase=run message=FileNotFoundError: .*caf\\udce9
import os


def run():
    open(os.fsdecode(b"/nonexistent/caf\xe9"))
