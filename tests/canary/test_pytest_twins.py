"""Canary: the leaking twin of every test of test_pytest_features.py (the
same test, fixtures and marks, keeping one object per call)."""
import test_pytest_features as features
from _canary import twin_class, twins_of

twins_of(globals(), features)
TestSetupMethodLeaks = twin_class(features.TestSetupMethod, __name__)
TestClassFixtureLeaks = twin_class(features.TestClassFixture, __name__)
TestSetupClassLeaks = twin_class(features.TestSetupClass, __name__)
