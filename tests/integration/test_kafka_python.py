"""kafka-python (a pure-Python client, its own protocol code) against a real
sluice: producer, consumer and KafkaAdminClient."""

import unittest
import uuid

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewPartitions, NewTopic
from kafka.errors import TopicAlreadyExistsError

from sluice_harness import SluiceBroker

TIMEOUT = 20


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


class KafkaPythonTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.broker = SluiceBroker().start()
        cls.admin = KafkaAdminClient(bootstrap_servers=cls.broker.bootstrap, request_timeout_ms=TIMEOUT * 1000)

    @classmethod
    def tearDownClass(cls):
        cls.admin.close()
        code = cls.broker.stop()
        cls.broker.__exit__(None, None, None)
        assert code == 0, f"sluice exited with {code}"

    def consume_all(self, topic, count, partitions=1):
        consumer = KafkaConsumer(bootstrap_servers=self.broker.bootstrap, auto_offset_reset="earliest",
                                 enable_auto_commit=False, consumer_timeout_ms=TIMEOUT * 1000)
        consumer.assign([TopicPartition(topic, p) for p in range(partitions)])
        consumer.seek_to_beginning()
        out = []
        for msg in consumer:
            out.append(msg)
            if len(out) == count:
                break
        consumer.close()
        return out

    def test_admin_create_describe_delete(self):
        name = unique("kp-admin")
        self.admin.create_topics([NewTopic(name, num_partitions=2, replication_factor=1,
                                           topic_configs={"retention.bytes": "1048576"})])
        self.assertIn(name, self.admin.list_topics())
        with self.assertRaises(TopicAlreadyExistsError):
            self.admin.create_topics([NewTopic(name, num_partitions=1, replication_factor=1)])
        self.admin.create_partitions({name: NewPartitions(total_count=4)})
        described = self.admin.describe_topics([name])
        self.assertEqual(len(described[0]["partitions"]), 4)
        self.admin.delete_topics([name])
        self.assertNotIn(name, self.admin.list_topics())

    def test_produce_and_consume_with_each_codec(self):
        for codec in [None, "gzip", "snappy", "lz4"]:
            with self.subTest(codec=codec):
                name = unique(f"kp-{codec}")
                producer = KafkaProducer(bootstrap_servers=self.broker.bootstrap, compression_type=codec, acks="all")
                futures = [producer.send(name, key=f"k{i}".encode(), value=f"v{i}".encode()) for i in range(100)]
                offsets = [f.get(TIMEOUT).offset for f in futures]
                producer.close()
                self.assertEqual(offsets, list(range(100)))
                got = self.consume_all(name, 100)
                self.assertEqual([m.value for m in got], [f"v{i}".encode() for i in range(100)])

    def test_old_message_format_round_trip(self):
        # api_version (0, 10) makes kafka-python use Produce v2 with magic 1
        # message sets and Fetch v2 (down-converted answers).
        name = unique("kp-legacy")
        producer = KafkaProducer(bootstrap_servers=self.broker.bootstrap, api_version=(0, 10), acks=1)
        for i in range(20):
            producer.send(name, value=f"old{i}".encode()).get(TIMEOUT)
        producer.close()
        consumer = KafkaConsumer(name, bootstrap_servers=self.broker.bootstrap, api_version=(0, 10),
                                 auto_offset_reset="earliest", consumer_timeout_ms=TIMEOUT * 1000,
                                 group_id=None)
        got = []
        for msg in consumer:
            got.append(msg.value)
            if len(got) == 20:
                break
        consumer.close()
        self.assertEqual(got, [f"old{i}".encode() for i in range(20)])


if __name__ == "__main__":
    unittest.main()
