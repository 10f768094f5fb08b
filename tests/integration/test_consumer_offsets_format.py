"""__consumer_offsets holds Kafka's own record formats, so tools that read
the topic (Kafka's OffsetsMessageFormatter, lag exporters, a migration back to
Kafka) decode what Sluice writes. This test decodes the topic with its own
reading of Kafka's schemas (OffsetCommitKey/Value, GroupMetadataKey/Value,
internal/*.json) and checks the partition is the one Kafka would pick."""

import struct
import time
import unittest

from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic
from kafka import KafkaConsumer, TopicPartition as KTopicPartition
from kafka.admin import KafkaAdminClient

from group_helpers import GROUP_OVERRIDES, GroupTestCase, unique, wait_for
from sluice_harness import SluiceBroker

PARTITIONS = 50


def java_hash(s):
    h = 0
    data = s.encode("utf-16-be")
    for i in range(0, len(data), 2):
        h = (31 * h + ((data[i] << 8) | data[i + 1])) & 0xFFFFFFFF
    return h - (1 << 32) if h >= 1 << 31 else h


def coordinator_partition(group):
    h = java_hash(group)
    return (0 if h == -(1 << 31) else abs(h)) % PARTITIONS


class Reader:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def take(self, fmt):
        value = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += struct.calcsize(fmt)
        return value[0]

    def string(self, nullable=False):
        n = self.take(">h")
        if n < 0:
            assert nullable, "null non-nullable string"
            return None
        s = self.data[self.pos:self.pos + n].decode()
        self.pos += n
        return s

    def bytes(self):
        n = self.take(">i")
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return b

    def done(self):
        return self.pos == len(self.data)


def decode_key(key):
    r = Reader(key)
    version = r.take(">h")
    if version in (0, 1):
        out = ("offset", r.string(), r.string(), r.take(">i"))
    elif version == 2:
        out = ("group", r.string())
    else:
        raise AssertionError(f"key version {version}")
    assert r.done(), "trailing key bytes"
    return out


def decode_offset_value(value):
    r = Reader(value)
    version = r.take(">h")
    assert version in (1, 3), version
    offset = r.take(">q")
    epoch = r.take(">i") if version >= 3 else -1
    metadata = r.string()
    commit_ts = r.take(">q")
    expire_ts = r.take(">q") if version == 1 else None
    assert r.done(), "trailing value bytes"
    return dict(version=version, offset=offset, epoch=epoch, metadata=metadata, commit_ts=commit_ts,
                expire_ts=expire_ts)


def decode_group_value(value):
    r = Reader(value)
    version = r.take(">h")
    assert version == 3, version  # what Kafka 2.3+ writes
    out = dict(protocol_type=r.string(), generation=r.take(">i"), protocol=r.string(True), leader=r.string(True),
               state_ts=r.take(">q"), members=[])
    for _ in range(r.take(">i")):
        out["members"].append(dict(member_id=r.string(), instance_id=r.string(True), client_id=r.string(),
                                   client_host=r.string(), rebalance_timeout=r.take(">i"),
                                   session_timeout=r.take(">i"), subscription=r.bytes(), assignment=r.bytes()))
    assert r.done(), "trailing value bytes"
    return out


class ConsumerOffsetsFormatTest(GroupTestCase):

    def read_topic(self, broker, partition):
        """Every record of __consumer_offsets-`partition` as (key, value)."""
        c = KafkaConsumer(bootstrap_servers=broker.bootstrap, enable_auto_commit=False, group_id=None,
                          consumer_timeout_ms=3000)
        tp = KTopicPartition("__consumer_offsets", partition)
        c.assign([tp])
        c.seek_to_beginning(tp)
        end = c.end_offsets([tp])[tp]
        records = []
        deadline = time.time() + 30
        while c.position(tp) < end and time.time() < deadline:
            for batch in c.poll(timeout_ms=500).values():
                records.extend((r.key, r.value) for r in batch)
        c.close()
        return records, end

    def test_records_decode_as_kafka_writes_them(self):
        with SluiceBroker(GROUP_OVERRIDES) as broker:
            self.watch_broker(broker)
            topic, group = unique("fmt-topic"), unique("fmt-group")
            admin = AdminClient({"bootstrap.servers": broker.bootstrap})
            for f in admin.create_topics([NewTopic(topic, 2, 1)]).values():
                f.result(30)
            p = Producer({"bootstrap.servers": broker.bootstrap})
            for i in range(10):
                p.produce(topic, value=b"v%d" % i, partition=i % 2)
            p.flush(30)

            c = Consumer({"bootstrap.servers": broker.bootstrap, "group.id": group, "client.id": "fmt-client",
                          "auto.offset.reset": "earliest", "enable.auto.commit": False,
                          "session.timeout.ms": 6000, "partition.assignment.strategy": "range"})
            c.subscribe([topic])
            seen = 0
            deadline = time.time() + 30
            while seen < 10 and time.time() < deadline:
                m = c.poll(0.5)
                if m is not None and not m.error():
                    seen += 1
            self.assertEqual(seen, 10)
            c.commit(offsets=[TopicPartition(topic, 0, 5), TopicPartition(topic, 1, 4)], asynchronous=False)
            c.close()

            partition = coordinator_partition(group)
            records, end = self.read_topic(broker, partition)
            self.assertGreater(end, 0, f"nothing in __consumer_offsets-{partition}")
            offsets, groups = {}, []
            for key, value in records:
                k = decode_key(key)
                if k[0] == "offset":
                    self.assertEqual(k[1], group)
                    offsets[(k[2], k[3])] = decode_offset_value(value) if value is not None else None
                else:
                    self.assertEqual(k[1], group)
                    groups.append(decode_group_value(value) if value is not None else None)
            self.assertEqual({tp: v["offset"] for tp, v in offsets.items()}, {(topic, 0): 5, (topic, 1): 4})
            for v in offsets.values():
                self.assertEqual(v["version"], 3)
                self.assertEqual(v["metadata"], "")
                self.assertLess(abs(v["commit_ts"] - time.time() * 1000), 60_000)

            stable = [g for g in groups if g and g["members"]]
            self.assertTrue(stable, f"no group metadata with members: {groups}")
            g = stable[-1]
            self.assertEqual(g["protocol_type"], "consumer")
            self.assertEqual(g["protocol"], "range")
            self.assertGreaterEqual(g["generation"], 1)
            self.assertEqual(len(g["members"]), 1)
            m = g["members"][0]
            self.assertEqual(g["leader"], m["member_id"])
            self.assertEqual(m["client_id"], "fmt-client")
            self.assertEqual(m["client_host"], "/127.0.0.1")
            self.assertEqual(m["session_timeout"], 6000)
            self.assertIn(topic.encode(), m["subscription"])
            self.assertIn(topic.encode(), m["assignment"])
            # The member left on close: the last record is the empty group.
            self.assertEqual(groups[-1]["members"], [])
            self.assertIsNone(groups[-1]["protocol"])

            # The coordinator wrote nowhere else.
            for other in ((partition + 1) % PARTITIONS, (partition + 7) % PARTITIONS):
                _, other_end = self.read_topic(broker, other)
                self.assertEqual(other_end, 0, f"__consumer_offsets-{other} has records")

            # Deleting the group leaves tombstones for its offsets and itself.
            ka = KafkaAdminClient(bootstrap_servers=broker.bootstrap)
            ka.delete_consumer_groups([group])
            ka.close()
            records, _ = self.read_topic(broker, partition)
            tombstones = [decode_key(k) for k, v in records if v is None]
            self.assertIn(("group", group), tombstones)
            self.assertIn(("offset", group, topic, 0), tombstones)
            self.assertIn(("offset", group, topic, 1), tombstones)


if __name__ == "__main__":
    unittest.main()
