# Raises on the fifth call of run(), during warm-up.
# e2e: verdict=error phase=run message=RunBoom
calls = 0


def run():
    global calls
    calls += 1
    if calls == 5:
        raise ValueError("RunBoom")
