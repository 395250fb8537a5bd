"""checks.py - how the suite e2e scripts count their checks.

    check = Checks("e2e_suites " + GROUP)
    check(ok, "what must hold", detail)   # a failure prints what and detail
    sys.exit(check.finish())              # the tally; 1 if any failed or none ran
"""


class Checks:
    def __init__(self, name):
        self.name = name
        self.passed = self.failed = 0

    def __call__(self, ok, what, detail=""):
        if ok:
            self.passed += 1
            return
        self.failed += 1
        print("FAIL: %s\n%s" % (what, detail))

    def finish(self):
        print("%s: %d passed, %d failed" % (self.name, self.passed, self.failed))
        return 1 if self.failed or not self.passed else 0
