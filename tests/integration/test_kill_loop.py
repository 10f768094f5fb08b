"""The broker is SIGKILLed at random moments while an idempotent acks=all
producer writes and a group commits offsets; it is restarted each time on the
same port and data dir. At the end every acknowledged record must be in the
log exactly once, at the offset it was acknowledged with, in order per
partition, offsets contiguous, and the group's committed offsets must be the
last acknowledged commit (or a later attempted one whose answer the kill ate).

SLUICE_KILLS sets the number of kills (20 by default; the soak outside CI:
SLUICE_KILLS=100, see README)."""

import logging
import os
import random
import sys
import threading
import time
import unittest
import uuid

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from sluice_harness import SluiceBroker

KILLS = int(os.environ.get("SLUICE_KILLS", "20"))
PARTITIONS = 3
TIMEOUT = 60
# librdkafka logs every refused reconnect while the broker is down; keep the
# test's output to its findings.
QUIET = logging.getLogger("kill-loop-clients")
QUIET.addHandler(logging.NullHandler())
QUIET.propagate = False


class Workload:
    """Produces to every partition and commits group offsets until stopped,
    recording what the broker acknowledged."""

    def __init__(self, bootstrap, topic, group):
        self.topic = topic
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.acked = {}  # value -> (partition, offset)
        self.failed = []  # delivery errors (not acknowledged: may or may not be in the log)
        self.commits_acked = {}  # partition -> last acknowledged committed offset
        self.commits_tried = {}  # partition -> last attempted committed offset
        self.producer = Producer({
            "bootstrap.servers": bootstrap, "acks": "all", "enable.idempotence": True, "linger.ms": 5,
            "message.timeout.ms": 300000, "retry.backoff.ms": 50, "reconnect.backoff.ms": 20,
            "reconnect.backoff.max.ms": 200, "logger": QUIET,
        })
        self.committer = Consumer({
            "bootstrap.servers": bootstrap, "group.id": group, "enable.auto.commit": False,
            "reconnect.backoff.ms": 20, "reconnect.backoff.max.ms": 200, "logger": QUIET,
        })
        self.threads = [threading.Thread(target=self._produce), threading.Thread(target=self._commit)]

    def start(self):
        for t in self.threads:
            t.start()

    def finish(self):
        self.stop.set()
        for t in self.threads:
            t.join()
        remaining = self.producer.flush(TIMEOUT)
        self.committer.close()
        return remaining

    def _on_delivery(self, err, msg):
        with self.lock:
            if err is None:
                self.acked[msg.value()] = (msg.partition(), msg.offset())
            else:
                self.failed.append(str(err))

    def _produce(self):
        seq = 0
        while not self.stop.is_set():
            partition = seq % PARTITIONS
            # The value names its partition and its rank there, to check order.
            value = f"{partition}:{seq // PARTITIONS:09d}".encode()
            try:
                self.producer.produce(self.topic, value=value, partition=partition, on_delivery=self._on_delivery)
                seq += 1
            except BufferError:
                pass  # the queue is full while the broker is down
            self.producer.poll(0.001 if seq % 50 else 0.01)

    def _commit(self):
        offset = 0
        while not self.stop.is_set():
            offset += 1
            offsets = [TopicPartition(self.topic, p, offset) for p in range(PARTITIONS)]
            for p in range(PARTITIONS):
                self.commits_tried[p] = offset
            try:
                self.committer.commit(offsets=offsets, asynchronous=False)
                for p in range(PARTITIONS):
                    self.commits_acked[p] = offset
            except KafkaException:
                pass  # the broker is down; the next commit tries again
            time.sleep(0.05)


class KillLoopTest(unittest.TestCase):
    def run_loop(self, overrides):
        with SluiceBroker(overrides=overrides) as broker:
            topic, group = f"kill-{uuid.uuid4().hex[:8]}", f"kill-group-{uuid.uuid4().hex[:8]}"
            admin = AdminClient({"bootstrap.servers": broker.bootstrap, "logger": QUIET})
            admin.create_topics([NewTopic(topic, PARTITIONS, 1)])[topic].result(TIMEOUT)

            work = Workload(broker.bootstrap, topic, group)
            work.start()
            port = broker.port
            rng = random.Random()
            for _ in range(KILLS):
                time.sleep(rng.uniform(0.3, 1.5))
                broker.kill()  # SIGKILL: no flush, no checkpoint, no clean-shutdown marker
                broker.start(port)
            time.sleep(1.0)
            remaining = work.finish()

            self.assertEqual(remaining, 0, "records still unacknowledged at the end")
            self.assertEqual(work.failed, [], "deliveries failed")
            self.assertGreater(len(work.acked), 100, "the workload hardly ran")
            in_log, lost = self.check_log(broker.bootstrap, topic, work.acked)
            self.check_commits(broker.bootstrap, group, topic, work)
            print(f"\nkill loop {overrides}: kills={KILLS} acknowledged={len(work.acked)} "
                  f"lost={lost} records in the log={in_log} "
                  f"committed offsets={work.commits_acked}", file=sys.stderr)
            self.assertEqual(broker.stop(), 0)

    def check_log(self, bootstrap, topic, acked):
        """Checks the log against what was acknowledged; returns (records in the log, acknowledged ones lost)."""
        by_partition = {p: [] for p in range(PARTITIONS)}
        consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "kill-reader", "enable.auto.commit": False,
                             "enable.partition.eof": True})
        for p in range(PARTITIONS):
            low, high = consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=TIMEOUT)
            self.assertEqual(low, 0)
            consumer.assign([TopicPartition(topic, p, 0)])
            while len(by_partition[p]) < high:
                msg = consumer.poll(TIMEOUT)
                self.assertIsNotNone(msg, f"partition {p}: read {len(by_partition[p])} of {high}")
                if msg.error():
                    continue  # end of partition before the high watermark is reached: poll on
                by_partition[p].append((msg.offset(), msg.value()))
        consumer.close()

        seen = {}
        for p, records in by_partition.items():
            offsets = [o for o, _ in records]
            self.assertEqual(offsets, list(range(len(records))), f"partition {p}: offsets not contiguous from 0")
            values = [v for _, v in records]
            self.assertEqual(values, sorted(values), f"partition {p}: records out of order")
            for offset, value in records:
                self.assertNotIn(value, seen, f"{value} written twice: {seen.get(value)} and {(p, offset)}")
                seen[value] = (p, offset)
        lost = [v for v in acked if v not in seen]
        self.assertEqual(lost[:5], [], f"{len(lost)} acknowledged records lost")
        moved = [(v, where, seen[v]) for v, where in acked.items() if seen[v] != where]
        self.assertEqual(moved[:5], [], "acknowledged records at other offsets than acknowledged")
        return len(seen), len(lost)

    def check_commits(self, bootstrap, group, topic, work):
        consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "enable.auto.commit": False})
        committed = consumer.committed([TopicPartition(topic, p) for p in range(PARTITIONS)], timeout=TIMEOUT)
        consumer.close()
        for tp in committed:
            acked = work.commits_acked.get(tp.partition, -1001)
            self.assertTrue(acked <= tp.offset <= work.commits_tried[tp.partition],
                            f"partition {tp.partition}: committed {tp.offset}, last acknowledged {acked}, "
                            f"last tried {work.commits_tried[tp.partition]}")

    def test_default_flushing(self):
        self.run_loop({})

    def test_flush_every_message(self):
        self.run_loop({"log.flush.interval.messages": "1"})


if __name__ == "__main__":
    unittest.main()
