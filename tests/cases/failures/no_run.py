# Defines setup() but no run(): an error while loading.
# e2e: verdict=error phase=load message=run()


def setup():
    pass
