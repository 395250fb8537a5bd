# fuzz is bytes, not a function taking data.
# e2e: verdict=error phase=load message=fuzz is not callable .*def fuzz\(\) taking data
fuzz = b"seed"


def run():
    pass
