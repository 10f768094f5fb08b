"""Disk full: the broker's log dir sits on a 16 MiB tmpfs of its own. A
producer writes until the filesystem is full: its records then fail with
KAFKA_STORAGE_ERROR, the broker stays up and keeps serving what it already
acknowledged, unchanged, and once space is freed it takes records again (the
log dir is not taken offline; see README "Storage").

Mounting needs root: elsewhere the test is skipped, except on CI."""

import os
import shutil
import subprocess
import tempfile
import unittest
import uuid

from confluent_kafka import Consumer, KafkaError, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from sluice_harness import SluiceBroker, cannot_run

TIMEOUT = 30
VALUE_BYTES = 64 << 10
BALLAST_BYTES = 4 << 20


class DiskFullTest(unittest.TestCase):
    def setUp(self):
        if os.geteuid() != 0:
            cannot_run("the disk-full test needs root to mount its tmpfs")
        self.mount = tempfile.mkdtemp(prefix="sluice-diskfull-")
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", self.mount], check=True)
        self.addCleanup(shutil.rmtree, self.mount, ignore_errors=True)
        self.addCleanup(subprocess.run, ["umount", "-l", self.mount])

    def producer(self, bootstrap):
        # No retries: KAFKA_STORAGE_ERROR is retriable, and the broker's own
        # answer is what the test checks.
        return Producer({"bootstrap.servers": bootstrap, "acks": "all", "retries": 0, "message.timeout.ms": 10000,
                         "linger.ms": 0, "log_level": 2})

    def produce(self, producer, topic, value):
        result = []
        producer.produce(topic, value=value, partition=0, on_delivery=lambda e, m: result.append((e, m)))
        producer.flush(TIMEOUT)
        self.assertEqual(len(result), 1)
        return result[0]

    def read_all(self, bootstrap, topic, count):
        consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "disk-full-reader",
                             "enable.auto.commit": False, "fetch.max.bytes": 4 << 20, "log_level": 2})
        consumer.assign([TopicPartition(topic, 0, 0)])
        out = []
        try:
            while len(out) < count:
                msg = consumer.poll(TIMEOUT)
                self.assertIsNotNone(msg, f"read {len(out)} of {count}")
                if not msg.error():
                    out.append((msg.offset(), msg.value()))
        finally:
            consumer.close()
        return out

    def test_full_disk_fails_produce_keeps_data_and_recovers_when_space_returns(self):
        # Space that can be given back later.
        ballast = os.path.join(self.mount, "ballast")
        with open(ballast, "wb") as f:
            f.write(b"\0" * BALLAST_BYTES)
        overrides = {
            "log.segment.bytes": str(1 << 20),
            "log.index.size.max.bytes": str(64 << 10),  # preallocated per segment
            "offsets.topic.num.partitions": "1",
            "transaction.state.log.num.partitions": "1",
        }
        with SluiceBroker(overrides=overrides, data_dir=os.path.join(self.mount, "data")) as broker:
            topic = f"full-{uuid.uuid4().hex[:8]}"
            admin = AdminClient({"bootstrap.servers": broker.bootstrap})
            admin.create_topics([NewTopic(topic, 1, 1)])[topic].result(TIMEOUT)
            producer = self.producer(broker.bootstrap)

            acked = []
            error = None
            for i in range(400):  # 25 MiB: more than the filesystem holds
                value = (b"%06d" % i) * (VALUE_BYTES // 6)
                err, msg = self.produce(producer, topic, value)
                if err is not None:
                    error = err
                    break
                acked.append((msg.offset(), value))
            self.assertIsNotNone(error, "the filesystem never filled up")
            self.assertEqual(error.code(), KafkaError.KAFKA_STORAGE_ERROR, error)
            self.assertIsNone(broker.process.poll(), "the broker died on a full disk")
            self.assertGreater(len(acked), 10)

            # What was acknowledged is all there, unchanged.
            self.assertEqual(self.read_all(broker.bootstrap, topic, len(acked)), acked)

            # Space returns: produce works again, after the acknowledged records.
            os.remove(ballast)
            err, msg = self.produce(producer, topic, b"after")
            self.assertIsNone(err, err)
            self.assertEqual(msg.offset(), len(acked))
            got = self.read_all(broker.bootstrap, topic, len(acked) + 1)
            self.assertEqual(got[:-1], acked)
            self.assertEqual(got[-1], (len(acked), b"after"))
            self.assertEqual(broker.stop(), 0)


if __name__ == "__main__":
    unittest.main()
