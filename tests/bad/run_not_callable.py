# run is a number, not a function.
# e2e: verdict=error phase=load message=run is not callable \(it is a int\)
run = 42
