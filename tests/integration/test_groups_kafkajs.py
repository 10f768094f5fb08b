"""Consumer groups through KafkaJS (a pure JavaScript client, from npm)
against a real sluice. The scenarios live in js/groups.test.js; this runs
each against a fresh broker and fails with the step KafkaJS reported."""

import unittest

from kafkajs_helpers import KafkaJsTestCase


class KafkaJsGroupsTest(KafkaJsTestCase):
    SCRIPT = "groups.test.js"

    def test_members_split_and_admin_describes_lists_deletes(self):
        self.run_scenario("members-and-admin")

    def test_set_and_reset_offsets_move_the_group(self):
        self.run_scenario("alter-offsets")


if __name__ == "__main__":
    unittest.main()
