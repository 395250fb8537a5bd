"""Canary: the leaking twin of every test of test_unittest_features.py
(subclasses: the same fixtures, each test keeping one object per call)."""
import test_unittest_features as features
from _canary import twin_class

setUpModule = features.setUpModule
tearDownModule = features.tearDownModule

SetUpCaseLeaks = twin_class(features.SetUpCase, __name__)
SetUpClassCaseLeaks = twin_class(features.SetUpClassCase, __name__)
CleanupCaseLeaks = twin_class(features.CleanupCase, __name__)
AsyncCaseLeaks = twin_class(features.AsyncCase, __name__)
