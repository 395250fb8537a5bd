# leakcheck: expect=leak
# e2e: verdict=error phase=load message=defines no run\(\) function
