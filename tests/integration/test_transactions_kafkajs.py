"""Transactions through KafkaJS against a real sluice: commit and abort seen
by a read_committed consumer, and consume-transform-produce with
sendOffsets. The scenarios live in js/transactions.test.js."""

import unittest

from group_helpers import TXN_OVERRIDES
from kafkajs_helpers import KafkaJsTestCase


class KafkaJsTransactionsTest(KafkaJsTestCase):
    SCRIPT = "transactions.test.js"
    OVERRIDES = TXN_OVERRIDES

    def test_commit_and_abort(self):
        self.run_scenario("commit-and-abort")

    def test_send_offsets_in_a_transaction(self):
        self.run_scenario("send-offsets")


if __name__ == "__main__":
    unittest.main()
