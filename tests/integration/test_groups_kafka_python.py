"""Consumer groups through kafka-python (its own protocol code) against a
real sluice: two members sharing a topic with synchronous commits, and the
KafkaAdminClient views of groups (list, describe, offsets, delete), commits
with metadata by an assign() user, mismatched assignment strategies, and
OffsetDelete (KIP-496; kafka-python has no API for it, so the request is
declared here and sent through kafka-python's client)."""

import threading
import time
import unittest

from kafka import ConsumerRebalanceListener, KafkaAdminClient, KafkaClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka import errors as Errors
from kafka.admin import NewTopic
from kafka.protocol.api import Request, Response
from kafka.protocol.commit import GroupCoordinatorRequest
from kafka.protocol.types import Array, Int16, Int32, Schema, String
from kafka.coordinator.assignors.range import RangePartitionAssignor
from kafka.coordinator.assignors.roundrobin import RoundRobinPartitionAssignor
from kafka.structs import OffsetAndMetadata

from group_helpers import (TIMEOUT, SharedBrokerTestCase, Tracked, wait_for_split, unique, wait_for)


GROUP_SUBSCRIBED_TO_TOPIC = 86  # not in kafka-python 2.0.2's errors


class OffsetDeleteResponse_v0(Response):
    API_KEY = 47
    API_VERSION = 0
    SCHEMA = Schema(
        ("error_code", Int16),
        ("throttle_time_ms", Int32),
        ("topics", Array(("name", String("utf-8")),
                         ("partitions", Array(("partition_index", Int32), ("error_code", Int16))))))


class OffsetDeleteRequest_v0(Request):
    API_KEY = 47
    API_VERSION = 0
    RESPONSE_TYPE = OffsetDeleteResponse_v0
    SCHEMA = Schema(
        ("group_id", String("utf-8")),
        ("topics", Array(("name", String("utf-8")), ("partitions", Array(Int32)))))


def send_to_group_coordinator(bootstrap, group, request):
    """Finds the group's coordinator and sends it `request`; the response."""
    client = KafkaClient(bootstrap_servers=bootstrap, request_timeout_ms=TIMEOUT * 1000)
    try:
        def connected(node_id):
            if client.ready(node_id):
                return True
            client.poll(timeout_ms=100)
            return False

        def call(node_id, req):
            wait_for(lambda: connected(node_id), TIMEOUT, f"a connection to node {node_id}")
            future = client.send(node_id, req)
            client.poll(future=future, timeout_ms=TIMEOUT * 1000)
            if not future.is_done:
                raise AssertionError(f"no answer to {req}")
            if future.failed():
                raise future.exception
            return future.value

        wait_for(lambda: client.least_loaded_node() is not None, TIMEOUT, "a broker")
        found = call(client.least_loaded_node(), GroupCoordinatorRequest[0](group))
        if found.error_code != 0:
            raise Errors.for_code(found.error_code)(f"FindCoordinator for {group}")
        return call(found.coordinator_id, request)
    finally:
        client.close()


class Member(threading.Thread, Tracked):
    """A KafkaConsumer in a group, polled by its own thread; it commits
    synchronously after every batch. A poll error ends the thread."""

    def __init__(self, bootstrap, group, topic, name, **conf):
        super().__init__(name=name, daemon=True)
        config = dict(bootstrap_servers=bootstrap, group_id=group, client_id=name, auto_offset_reset="earliest",
                      enable_auto_commit=False, session_timeout_ms=6000, heartbeat_interval_ms=500,
                      request_timeout_ms=TIMEOUT * 1000)
        config.update(conf)
        self.consumer = KafkaConsumer(**config)
        self.topic = topic
        self._init_tracking()
        self.rebalances = 0
        self.error = None
        self._halt = threading.Event()

    def run(self):
        member = self

        class Listener(ConsumerRebalanceListener):
            def on_partitions_revoked(self, revoked):
                pass

            def on_partitions_assigned(self, assigned):
                with member.lock:
                    member.rebalances += 1

        try:
            self.consumer.subscribe([self.topic], listener=Listener())
            while not self._halt.is_set():
                batches = self.consumer.poll(timeout_ms=100)
                with self.lock:
                    self.assignment = {(tp.topic, tp.partition) for tp in self.consumer.assignment()}
                    for recs in batches.values():
                        self.records += [(r.topic, r.partition, r.offset, r.value) for r in recs]
                if batches:
                    self.consumer.commit()
        except Exception as e:  # reported to the test
            with self.lock:
                self.error = e
        finally:
            self.consumer.close()

    def stop(self):
        """Closes the consumer (LeaveGroup) and ends the thread."""
        self._halt.set()
        self.join(TIMEOUT)


class KafkaPythonGroupsTest(SharedBrokerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = KafkaAdminClient(bootstrap_servers=cls.broker.bootstrap, request_timeout_ms=TIMEOUT * 1000)

    @classmethod
    def tearDownClass(cls):
        cls.admin.close()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        self.members = []
        self.addCleanup(lambda: [m.stop() for m in self.members if m.is_alive()])

    def create(self, topic, partitions):
        self.admin.create_topics([NewTopic(topic, num_partitions=partitions, replication_factor=1)])

    def produce(self, topic, partitions, per_partition, tag="v"):
        producer = KafkaProducer(bootstrap_servers=self.broker.bootstrap, acks="all")
        values = set()
        futures = []
        for i in range(per_partition):
            for p in range(partitions):
                value = f"{tag}-{p}-{i}".encode()
                values.add(value)
                futures.append(producer.send(topic, value=value, partition=p))
        for f in futures:
            f.get(TIMEOUT)
        producer.close()
        return values

    def member(self, group, topic, name, **conf):
        m = Member(self.broker.bootstrap, group, topic, name, **conf)
        self.members.append(m)
        m.start()
        return m

    def wait_split(self, members, partitions, what):
        return wait_for_split(self, members, partitions, what,
                              errors=lambda: {m.name: m.error for m in members if m.error})

    def describe(self, group):
        found = self.admin.describe_consumer_groups([group])
        self.assertEqual(len(found), 1)
        self.assertEqual(found[0].group, group)
        return found[0]

    def offsets(self, group):
        return {(tp.topic, tp.partition): (om.offset, om.metadata)
                for tp, om in self.admin.list_consumer_group_offsets(group).items()}

    def test_two_members_consume_everything_and_admin_lists_describes_deletes(self):
        topic, group = unique("kp-grp"), unique("kp-g")
        parts = {(topic, p) for p in range(4)}
        self.create(topic, 4)
        a = self.member(group, topic, "kp-member-a")
        b = self.member(group, topic, "kp-member-b")
        split = self.wait_split([a, b], parts, "two kafka-python members on four partitions")

        values = self.produce(topic, 4, 50)
        wait_for(lambda: len(a.consumed()) + len(b.consumed()) >= 200, TIMEOUT, "200 records consumed")
        time.sleep(0.5)
        records = a.consumed() + b.consumed()
        positions = [(r[1], r[2]) for r in records]
        self.assertEqual(len(positions), len(set(positions)), "some records were delivered twice")
        self.assertEqual({r[3] for r in records}, values)
        self.assertEqual((a.error, b.error), (None, None))

        expected_offsets = {(topic, p): (50, "") for p in range(4)}
        seen = []
        wait_for(lambda: seen.append(self.offsets(group)) or seen[-1] == expected_offsets, TIMEOUT,
                 lambda: f"committed offsets {expected_offsets}; last seen {seen[-1:]}")

        described = self.describe(group)
        self.assertEqual((described.state, described.protocol_type, described.protocol),
                         ("Stable", "consumer", "range"))
        self.assertEqual(sorted(m.client_id for m in described.members), ["kp-member-a", "kp-member-b"])
        by_client = {m.client_id: m for m in described.members}
        for name, owned in split.items():
            member = by_client[name]
            self.assertEqual(member.member_metadata.subscription, [topic])
            self.assertEqual({(topic, p) for p in dict(member.member_assignment.assignment).get(topic, [])}, owned,
                             f"assignment of {name} in DescribeGroups differs from what it consumes")
        self.assertIn((group, "consumer"), self.admin.list_consumer_groups())

        self.assertEqual(self.admin.delete_consumer_groups([group]), [(group, Errors.NonEmptyGroupError)])

        a.stop()
        b.stop()
        described = self.describe(group)
        self.assertEqual((described.state, described.members), ("Empty", []))
        self.assertEqual(self.offsets(group), expected_offsets, "offsets must outlive the members")

        self.assertEqual(self.admin.delete_consumer_groups([group]), [(group, Errors.NoError)])
        self.assertNotIn(group, [g for g, _ in self.admin.list_consumer_groups()])
        described = self.describe(group)
        self.assertEqual((described.state, described.members), ("Dead", []))
        self.assertEqual(self.offsets(group), {}, "a deleted group's offsets must be gone")
        self.assertEqual(self.admin.delete_consumer_groups([group]), [(group, Errors.GroupIdNotFoundError)])

    def test_assign_only_commit_with_metadata_then_group_resumes(self):
        topic, group = unique("kp-simple"), unique("kp-g-simple")
        self.create(topic, 2)
        self.produce(topic, 2, 20)
        simple = KafkaConsumer(bootstrap_servers=self.broker.bootstrap, group_id=group, enable_auto_commit=False,
                               request_timeout_ms=TIMEOUT * 1000)
        try:
            simple.assign([TopicPartition(topic, 0), TopicPartition(topic, 1)])
            simple.commit({TopicPartition(topic, 0): OffsetAndMetadata(7, "checkpoint-7"),
                           TopicPartition(topic, 1): OffsetAndMetadata(15, "")})
            self.assertEqual(simple.committed(TopicPartition(topic, 0)), 7)
        finally:
            simple.close()
        self.assertEqual(self.offsets(group), {(topic, 0): (7, "checkpoint-7"), (topic, 1): (15, "")})
        described = self.describe(group)
        self.assertEqual((described.state, described.protocol_type, described.members), ("Empty", "", []))

        m = self.member(group, topic, "kp-resumer")
        expected = {(0, o) for o in range(7, 20)} | {(1, o) for o in range(15, 20)}
        wait_for(lambda: len(m.consumed()) >= len(expected), TIMEOUT, "records from the committed offsets")
        time.sleep(0.3)
        self.assertEqual(sorted((r[1], r[2]) for r in m.consumed()), sorted(expected))
        self.assertIsNone(m.error)

    def test_member_with_no_common_assignment_strategy_is_rejected(self):
        topic, group = unique("kp-proto"), unique("kp-g-proto")
        parts = {(topic, p) for p in range(2)}
        self.create(topic, 2)
        ranged = self.member(group, topic, "kp-range", partition_assignment_strategy=[RangePartitionAssignor])
        self.wait_split([ranged], parts, "the range member")
        rebalances = ranged.rebalances
        robin = self.member(group, topic, "kp-roundrobin",
                            partition_assignment_strategy=[RoundRobinPartitionAssignor])
        wait_for(lambda: robin.error is not None, TIMEOUT, "the roundrobin-only member to be refused")
        self.assertIsInstance(robin.error, Errors.InconsistentGroupProtocolError)
        time.sleep(1)
        self.assertEqual(ranged.current_assignment(), parts)
        self.assertEqual(ranged.rebalances, rebalances, "the refused member must not rebalance the group")
        self.assertEqual([m.client_id for m in self.describe(group).members], ["kp-range"])

    def test_offset_delete(self):
        subscribed, other, group = unique("kp-od-sub"), unique("kp-od-other"), unique("kp-g-od")
        self.create(subscribed, 1)
        self.create(other, 1)
        self.produce(subscribed, 1, 3)  # the member then has nothing to consume or commit
        simple = KafkaConsumer(bootstrap_servers=self.broker.bootstrap, group_id=group, enable_auto_commit=False,
                               request_timeout_ms=TIMEOUT * 1000)
        try:
            simple.assign([TopicPartition(subscribed, 0), TopicPartition(other, 0)])
            simple.commit({TopicPartition(subscribed, 0): OffsetAndMetadata(3, ""),
                           TopicPartition(other, 0): OffsetAndMetadata(9, "")})
        finally:
            simple.close()

        def delete_offsets(group_id):
            request = OffsetDeleteRequest_v0(group_id, [(subscribed, [0]), (other, [0])])
            response = send_to_group_coordinator(self.broker.bootstrap, group_id, request)
            return response.error_code, {(t, p): e for t, parts in response.topics for p, e in parts}

        # While a member consumes `subscribed`, only the other topic's offsets go.
        m = self.member(group, subscribed, "kp-od-member")
        self.wait_split([m], {(subscribed, 0)}, "the member")
        self.assertEqual(delete_offsets(group), (0, {(subscribed, 0): GROUP_SUBSCRIBED_TO_TOPIC, (other, 0): 0}))
        self.assertEqual(self.offsets(group), {(subscribed, 0): (3, "")})

        m.stop()
        self.assertEqual(delete_offsets(group), (0, {(subscribed, 0): 0, (other, 0): 0}))
        self.assertEqual(self.offsets(group), {})

        self.assertEqual(delete_offsets(unique("kp-never")), (Errors.GroupIdNotFoundError.errno, {}))

    def test_describe_and_delete_unknown_group(self):
        group = unique("kp-never")
        described = self.describe(group)
        self.assertEqual((described.state, described.members), ("Dead", []))
        self.assertEqual(self.admin.delete_consumer_groups([group]), [(group, Errors.GroupIdNotFoundError)])
        self.assertEqual(self.offsets(group), {})


if __name__ == "__main__":
    unittest.main()
