"""Canary (tests/canary/README.md): one unittest feature per test, each
keeping nothing; run by `leakcheck unittest` and by `leakcheck pytest`.
Their leaking twins are in test_unittest_twins.py."""
import asyncio
import doctest
import logging
import os
import unittest
import warnings
from unittest import mock

import canary_doctest

MODULE = {}


def setUpModule():
    MODULE["up"] = [1, 2, 3]


def tearDownModule():
    MODULE.clear()


def load_tests(loader, tests, pattern):
    tests.addTests(doctest.DocTestSuite(canary_doctest))
    return tests


class SetUpCase(unittest.TestCase):
    def setUp(self):
        self.data = list(range(10))

    def tearDown(self):
        self.data = None

    def test_setup(self):
        self.assertEqual(len(self.data), 10)

    def test_setup_module(self):
        self.assertEqual(MODULE["up"], [1, 2, 3])

    def test_assert_equal(self):
        self.assertEqual(1 + 1, 2)


class SetUpClassCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.shared = {"n": 1}

    @classmethod
    def tearDownClass(cls):
        del cls.shared

    def test_setup_class(self):
        self.assertEqual(self.shared["n"], 1)


class CleanupCase(unittest.TestCase):
    def test_add_cleanup(self):
        box = [bytearray(32)]
        self.addCleanup(box.clear)
        self.assertTrue(box)

    def test_subtest(self):
        for i in range(3):
            with self.subTest(i=i):
                self.assertGreaterEqual(i, 0)

    def test_assert_logs(self):
        with self.assertLogs("canary.unittest", level="INFO") as cm:
            logging.getLogger("canary.unittest").info("logged")
        self.assertEqual(len(cm.records), 1)

    def test_assert_warns(self):
        with self.assertWarns(UserWarning):
            warnings.warn("warned", UserWarning)

    def test_assert_raises(self):
        with self.assertRaises(KeyError):
            {}["missing"]

    @unittest.skipIf(False, "never skipped")
    def test_skip_if_false(self):
        self.assertTrue(True)

    @unittest.skip("a skip decorator")
    def test_skip_skipped(self):
        self.fail("skipped")

    @unittest.expectedFailure
    def test_expected_failure_xfails(self):
        self.assertEqual(1, 2)

    @mock.patch("os.getcwd", return_value="/canary")
    def test_mock_patch(self, getcwd):
        self.assertEqual(os.getcwd(), "/canary")

    def test_mock_patch_object(self):
        with mock.patch.object(os.path, "exists", return_value=True) as m:
            self.assertTrue(os.path.exists("/nowhere/canary"))
        m.assert_called_once()

    def test_logs_uncaptured(self):
        logging.getLogger("canary.unittest.uncaptured").warning("a line")

    def test_warns_uncaptured(self):
        warnings.warn("an uncaptured unittest warning", UserWarning)

    def test_prints_uncaptured(self):
        print("a line nobody captures")


class AsyncCase(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        self.value = 1

    async def test_async(self):
        await asyncio.sleep(0)
        self.assertEqual(self.value, 1)
