"""Idempotence and transactions through confluent-kafka-python (librdkafka)
against a real sluice: a committed and an aborted transaction seen by
read_committed and read_uncommitted consumers, an idempotent producer, a
consume-transform-produce loop that stays exactly-once when the broker is
SIGKILLed mid-transaction, and a producer killed mid-transaction whose
transaction the coordinator aborts at its timeout."""

import os
import subprocess
import sys
import threading
import time
import unittest

from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from group_helpers import TIMEOUT, TXN_OVERRIDES, GroupTestCase, unique, wait_for
from sluice_harness import SluiceBroker

WORKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "txn_worker.py")

def create_topic(bootstrap, name, partitions=1):
    admin = AdminClient({"bootstrap.servers": bootstrap})
    admin.create_topics([NewTopic(name, partitions, 1)])[name].result(TIMEOUT)


def read_all(bootstrap, topic, partitions, isolation, expect=None, idle=3.0):
    """Every record of `topic` from the beginning, as (partition, offset, value).
    Stops once `expect` records arrived and `idle` seconds passed without more."""
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": unique("reader"),
                         "isolation.level": isolation, "enable.auto.commit": False,
                         "auto.offset.reset": "earliest"})
    consumer.assign([TopicPartition(topic, p, 0) for p in range(partitions)])
    out = []
    last = time.time()
    deadline = time.time() + TIMEOUT
    while time.time() < deadline:
        msg = consumer.poll(0.2)
        if msg is not None and not msg.error():
            out.append((msg.partition(), msg.offset(), msg.value()))
            last = time.time()
        elif (expect is None or len(out) >= expect) and time.time() - last > idle:
            break
    consumer.close()
    return out


class Worker:
    """txn_worker.py in a child process."""

    def __init__(self, *args):
        self.lines = []
        self.process = subprocess.Popen([sys.executable, WORKER, *map(str, args)], stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line.rstrip())

    def said(self, word):
        return any(line.startswith(word) for line in self.lines)

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(TIMEOUT)
        self._reader.join(5)
        self.process.stdout.close()

    def wait(self):
        code = self.process.wait(150)
        self._reader.join(5)
        self.process.stdout.close()
        return code


class TransactionsTest(GroupTestCase):
    def start_broker(self):
        broker = SluiceBroker(TXN_OVERRIDES).start()
        self.addCleanup(broker.__exit__, None, None, None)
        return self.watch_broker(broker)

    def test_read_committed_sees_the_committed_100_and_none_of_the_aborted_50(self):
        broker = self.start_broker()
        topic = unique("txn")
        create_topic(broker.bootstrap, topic, partitions=2)
        producer = Producer({"bootstrap.servers": broker.bootstrap, "transactional.id": unique("tid")})
        producer.init_transactions(TIMEOUT)

        producer.begin_transaction()
        for i in range(100):
            producer.produce(topic, key=str(i).encode(), value=f"committed-{i}".encode())
        producer.commit_transaction(TIMEOUT)

        producer.begin_transaction()
        for i in range(50):
            producer.produce(topic, key=str(i).encode(), value=f"aborted-{i}".encode())
        producer.flush(TIMEOUT)
        producer.abort_transaction(TIMEOUT)

        committed = read_all(broker.bootstrap, topic, 2, "read_committed", expect=100)
        self.assertEqual(sorted(v for _, _, v in committed), sorted(f"committed-{i}".encode() for i in range(100)))
        uncommitted = read_all(broker.bootstrap, topic, 2, "read_uncommitted", expect=150)
        self.assertEqual(len(uncommitted), 150, "read_uncommitted sees the aborted records too")

    def test_idempotent_producer_writes_each_record_once_in_order(self):
        broker = self.start_broker()
        topic = unique("idem")
        create_topic(broker.bootstrap, topic)
        producer = Producer({"bootstrap.servers": broker.bootstrap, "enable.idempotence": True,
                             "linger.ms": 5, "batch.num.messages": 50})
        errors = []
        for i in range(1000):
            producer.produce(topic, value=str(i).encode(),
                             on_delivery=lambda err, msg: errors.append(err) if err else None)
            if i % 100 == 0:
                producer.poll(0)
        self.assertEqual(producer.flush(TIMEOUT), 0)
        self.assertEqual(errors, [])
        records = read_all(broker.bootstrap, topic, 1, "read_uncommitted", expect=1000, idle=1.0)
        self.assertEqual([v for _, _, v in records], [str(i).encode() for i in range(1000)])
        self.assertEqual([o for _, o, _ in records], list(range(1000)))

    def test_consume_transform_produce_is_exactly_once_across_a_broker_kill(self):
        broker = self.start_broker()
        source, sink, group, tid = unique("in"), unique("out"), unique("eos"), unique("tid")
        create_topic(broker.bootstrap, source, partitions=2)
        create_topic(broker.bootstrap, sink, partitions=2)
        producer = Producer({"bootstrap.servers": broker.bootstrap})
        total = 200
        for i in range(total):
            producer.produce(source, key=str(i).encode(), value=f"r{i}".encode())
        self.assertEqual(producer.flush(TIMEOUT), 0)

        # First worker: commits 100, starts another transaction, and dies with
        # the broker before it ends it.
        first = Worker("eos", broker.bootstrap, source, sink, group, tid, total, "--hang-after", 100)
        self.watch_output("first worker", lambda: first.lines)
        wait_for(lambda: first.said("HANGING") or first.process.poll() is not None, 90, "the first worker to hang")
        self.assertTrue(first.said("HANGING"), first.lines)
        port = broker.port
        broker.kill()
        first.kill()
        broker.start(port)

        # Second worker, same transactional id: fences the first, resumes from
        # the committed offsets and finishes.
        second = Worker("eos", broker.bootstrap, source, sink, group, tid, total)
        self.watch_output("second worker", lambda: second.lines)
        self.assertEqual(second.wait(), 0, second.lines)
        self.assertTrue(second.said("FINISHED"), second.lines)

        out = read_all(broker.bootstrap, sink, 2, "read_committed", expect=total)
        values = sorted(v for _, _, v in out)
        self.assertEqual(len(values), total, "every input record is in the output exactly once")
        self.assertEqual(values, sorted(f"out-r{i}".encode() for i in range(total)))

    def test_a_producer_killed_mid_transaction_is_aborted_at_its_timeout(self):
        broker = self.start_broker()
        topic = unique("zombie")
        create_topic(broker.bootstrap, topic)
        zombie = Worker("open", broker.bootstrap, topic, unique("tid"), 10, 3000)
        self.watch_output("zombie", lambda: zombie.lines)
        wait_for(lambda: zombie.said("HANGING") or zombie.process.poll() is not None, 60, "the zombie's records")
        self.assertTrue(zombie.said("HANGING"), zombie.lines)
        zombie.kill()

        # A record after the open transaction stays invisible to read_committed
        # until the coordinator aborts the transaction (3 s timeout).
        producer = Producer({"bootstrap.servers": broker.bootstrap})
        producer.produce(topic, value=b"after")
        self.assertEqual(producer.flush(TIMEOUT), 0)
        seen = read_all(broker.bootstrap, topic, 1, "read_committed", expect=1)
        self.assertEqual([v for _, _, v in seen], [b"after"], "the zombie's records are aborted, the rest is visible")


if __name__ == "__main__":
    unittest.main()
