"""confluent-kafka-python (librdkafka) against a real sluice: admin
operations, produce with every codec, consume back."""

import unittest
import uuid

from confluent_kafka import Consumer, KafkaError, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, ConfigResource, NewPartitions, NewTopic

from sluice_harness import SluiceBroker

TIMEOUT = 20


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


class ConfluentKafkaTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.broker = SluiceBroker().start()
        cls.admin = AdminClient({"bootstrap.servers": cls.broker.bootstrap})

    @classmethod
    def tearDownClass(cls):
        code = cls.broker.stop()
        cls.broker.__exit__(None, None, None)
        assert code == 0, f"sluice exited with {code}"

    def create(self, name, partitions=1, config=None):
        futures = self.admin.create_topics([NewTopic(name, partitions, 1, config=config or {})])
        futures[name].result(TIMEOUT)

    def produce(self, topic, values, **conf):
        delivered = []
        producer = Producer({"bootstrap.servers": self.broker.bootstrap, **conf})
        for i, v in enumerate(values):
            producer.produce(topic, key=f"k{i}".encode(), value=v, on_delivery=lambda e, m: delivered.append((e, m)))
        producer.flush(TIMEOUT)
        self.assertEqual(len(delivered), len(values))
        for err, msg in delivered:
            self.assertIsNone(err, err)
        return [m for _, m in delivered]

    def consume(self, topic, count, partition=0, offset=0):
        consumer = Consumer({"bootstrap.servers": self.broker.bootstrap, "group.id": unique("g"),
                             "enable.auto.commit": False})
        consumer.assign([TopicPartition(topic, partition, offset)])
        out = []
        try:
            while len(out) < count:
                msg = consumer.poll(TIMEOUT)
                self.assertIsNotNone(msg, f"timed out after {len(out)} of {count}")
                if msg.error():
                    if msg.error().code() == KafkaError._PARTITION_EOF:
                        continue
                    self.fail(msg.error())
                out.append(msg)
        finally:
            consumer.close()
        return out

    def test_metadata_lists_the_broker_and_created_topics(self):
        name = unique("meta")
        self.create(name, partitions=3)
        md = self.admin.list_topics(timeout=TIMEOUT)
        self.assertIn(name, md.topics)
        self.assertEqual(len(md.topics[name].partitions), 3)
        self.assertEqual(len(md.brokers), 1)
        broker = next(iter(md.brokers.values()))
        self.assertEqual(broker.port, self.broker.port)
        self.assertTrue(md.cluster_id)

    def test_produce_and_consume_every_codec(self):
        for codec in ["none", "gzip", "snappy", "lz4", "zstd"]:
            with self.subTest(codec=codec):
                name = unique(f"codec-{codec}")
                self.create(name)
                values = [f"{codec}-value-{i}".encode() * 10 for i in range(200)]
                msgs = self.produce(name, values, **{"compression.codec": codec, "linger.ms": 5})
                self.assertEqual(sorted(m.offset() for m in msgs), list(range(200)))
                got = self.consume(name, 200)
                self.assertEqual([m.value() for m in got], values)
                self.assertEqual([m.offset() for m in got], list(range(200)))

    def test_auto_created_topic_on_produce(self):
        name = unique("auto")
        self.produce(name, [b"hello"])
        self.assertEqual(self.consume(name, 1)[0].value(), b"hello")

    def test_create_duplicate_topic_fails(self):
        name = unique("dup")
        self.create(name)
        with self.assertRaises(Exception) as ctx:
            self.create(name)
        self.assertEqual(ctx.exception.args[0].code(), KafkaError.TOPIC_ALREADY_EXISTS)

    def test_delete_topic(self):
        name = unique("del")
        self.create(name)
        self.admin.delete_topics([name])[name].result(TIMEOUT)
        md = self.admin.list_topics(timeout=TIMEOUT)
        self.assertNotIn(name, md.topics)

    def test_create_partitions(self):
        name = unique("parts")
        self.create(name, partitions=2)
        self.admin.create_partitions([NewPartitions(name, 5)])[name].result(TIMEOUT)
        md = self.admin.list_topics(name, timeout=TIMEOUT)
        self.assertEqual(len(md.topics[name].partitions), 5)
        with self.assertRaises(Exception):
            self.admin.create_partitions([NewPartitions(name, 3)])[name].result(TIMEOUT)

    def test_describe_and_alter_topic_configs(self):
        name = unique("cfg")
        self.create(name, config={"retention.ms": "3600000"})
        res = ConfigResource(ConfigResource.Type.TOPIC, name)
        configs = self.admin.describe_configs([res])[res].result(TIMEOUT)
        self.assertEqual(configs["retention.ms"].value, "3600000")
        self.assertEqual(configs["cleanup.policy"].value, "delete")
        # confluent-kafka 1.7 has only the legacy AlterConfigs: the whole set.
        res = ConfigResource(ConfigResource.Type.TOPIC, name,
                             set_config={"cleanup.policy": "compact", "retention.ms": "3600000"})
        self.admin.alter_configs([res])[res].result(TIMEOUT)
        res = ConfigResource(ConfigResource.Type.TOPIC, name)
        configs = self.admin.describe_configs([res])[res].result(TIMEOUT)
        self.assertEqual(configs["cleanup.policy"].value, "compact")
        self.assertEqual(configs["retention.ms"].value, "3600000")

    def test_describe_broker_config(self):
        res = ConfigResource(ConfigResource.Type.BROKER, "0")
        configs = self.admin.describe_configs([res])[res].result(TIMEOUT)
        self.assertEqual(configs["num.partitions"].value, "1")

    def test_invalid_topic_name_is_rejected(self):
        with self.assertRaises(Exception) as ctx:
            self.create("bad/name")
        self.assertEqual(ctx.exception.args[0].code(), KafkaError.TOPIC_EXCEPTION)

    def test_record_over_max_message_bytes_is_rejected(self):
        name = unique("big")
        self.create(name, config={"max.message.bytes": "1000"})
        errors = []
        producer = Producer({"bootstrap.servers": self.broker.bootstrap})
        producer.produce(name, value=b"x" * 5000, on_delivery=lambda e, m: errors.append(e))
        producer.flush(TIMEOUT)
        self.assertEqual(errors[0].code(), KafkaError.MSG_SIZE_TOO_LARGE)

    def test_offsets_for_times(self):
        name = unique("times")
        self.create(name)
        producer = Producer({"bootstrap.servers": self.broker.bootstrap})
        for i in range(10):
            producer.produce(name, value=b"v", timestamp=1_700_000_000_000 + i * 1000)
        producer.flush(TIMEOUT)
        consumer = Consumer({"bootstrap.servers": self.broker.bootstrap, "group.id": unique("g")})
        found = consumer.offsets_for_times([TopicPartition(name, 0, 1_700_000_004_500)], TIMEOUT)
        consumer.close()
        self.assertEqual(found[0].offset, 5)


if __name__ == "__main__":
    unittest.main()
