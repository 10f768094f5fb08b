"""kcat's balanced consumer (-G, librdkafka's KafkaConsumer) against a real
sluice: it consumes everything, commits on exit, a rerun resumes at the
committed offsets, and two kcat processes in one group split the partitions."""

import re
import signal
import subprocess
import threading
import time
import unittest

from confluent_kafka import Consumer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from group_helpers import (TIMEOUT, SharedBrokerTestCase, Tracked, check_partition_split, is_partition_split,
                           unique, wait_for)

# kcat's rebalance callback (eager protocol): "% Group g rebalanced (memberid m): assigned: t [0], t [1]"
_REBALANCED = re.compile(r"Group \S+ rebalanced \(memberid [^)]*\): (assigned|revoked): (.*)$")
_PARTITION = re.compile(r"(\S+) \[(\d+)\]")
_GROUP_CONF = ["-X", "auto.offset.reset=earliest", "-X", "session.timeout.ms=6000",
               "-X", "heartbeat.interval.ms=300"]


class KcatMember(Tracked):
    """A long-running `kcat -G` process; its records (stdout) and its
    assignment, parsed from its rebalance messages (stderr)."""

    def __init__(self, broker, group, topic, name):
        self.name = name
        self._init_tracking()
        self.stderr = []
        self.process = subprocess.Popen(
            ["kcat", "-b", broker.bootstrap, "-G", group, "-u", "-f", "%p %o %s\\n", *_GROUP_CONF,
             "-X", f"client.id={name}", "-X", "auto.commit.interval.ms=200", topic],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self._threads = [threading.Thread(target=self._read_stdout, daemon=True),
                         threading.Thread(target=self._read_stderr, daemon=True)]
        for t in self._threads:
            t.start()

    def _read_stdout(self):
        for line in self.process.stdout:
            p, o, value = line.rstrip("\n").split(" ", 2)
            with self.lock:
                self.records.append((int(p), int(o), value))

    def _read_stderr(self):
        for line in self.process.stderr:
            line = line.rstrip()
            with self.lock:
                self.stderr.append(line)
                m = _REBALANCED.search(line)
                if m:
                    parts = {(t, int(p)) for t, p in _PARTITION.findall(m.group(2))}
                    self.assignment = parts if m.group(1) == "assigned" else set()

    def stderr_lines(self):
        with self.lock:
            return list(self.stderr)

    def terminate(self):
        """SIGTERM: kcat closes its consumer, committing what it consumed."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        for t in self._threads:
            t.join(5)
        return code


class KcatGroupsTest(SharedBrokerTestCase):
    def kcat(self, *args, stdin=None):
        result = subprocess.run(["kcat", "-b", self.broker.bootstrap, *args], input=stdin, capture_output=True,
                                text=True, timeout=TIMEOUT * 2)
        self.assertEqual(result.returncode, 0, f"kcat {' '.join(args)} failed: {result.stderr}")
        return result

    def create(self, topic, partitions):
        admin = AdminClient({"bootstrap.servers": self.broker.bootstrap})
        admin.create_topics([NewTopic(topic, partitions, 1)])[topic].result(TIMEOUT)

    def produce(self, topic, partitions, per_partition, tag):
        values = set()
        for p in range(partitions):
            lines = [f"{tag}-{p}-{i}" for i in range(per_partition)]
            values.update(lines)
            self.kcat("-P", "-t", topic, "-p", str(p), "-X", "acks=all", stdin="".join(v + "\n" for v in lines))
        return values

    def committed(self, group, topic, partitions):
        c = Consumer({"bootstrap.servers": self.broker.bootstrap, "group.id": group})
        try:
            found = c.committed([TopicPartition(topic, p) for p in range(partitions)], timeout=TIMEOUT)
        finally:
            c.close()
        return {tp.partition: tp.offset for tp in found}

    def consume_group(self, group, topic, count):
        """One `kcat -G ... -c count` run: the (partition, offset, value) it printed."""
        out = self.kcat("-G", group, "-c", str(count), "-f", "%p %o %s\\n", *_GROUP_CONF, topic)
        records = []
        for line in out.stdout.splitlines():
            p, o, value = line.split(" ", 2)
            records.append((int(p), int(o), value))
        self.assertEqual(len(records), count, f"kcat printed {len(records)} records; stderr: {out.stderr}")
        return records

    def test_balanced_consumer_commits_and_a_rerun_resumes(self):
        topic, group = unique("kcat-grp"), unique("kcat-g")
        self.create(topic, 3)
        values = self.produce(topic, 3, 40, "first")
        records = self.consume_group(group, topic, 120)
        self.assertEqual(len({(p, o) for p, o, _ in records}), 120, "some record was printed twice")
        self.assertEqual({v for _, _, v in records}, values)
        # kcat leaves the group on exit, committing what it consumed.
        self.assertEqual(self.committed(group, topic, 3), {0: 40, 1: 40, 2: 40})

        more = self.produce(topic, 3, 10, "second")
        records = self.consume_group(group, topic, 30)
        self.assertEqual({v for _, _, v in records}, more, "the rerun did not resume at the committed offsets")
        self.assertEqual(sorted((p, o) for p, o, _ in records), [(p, o) for p in range(3) for o in range(40, 50)])
        self.assertEqual(self.committed(group, topic, 3), {0: 50, 1: 50, 2: 50})

        described = AdminClient({"bootstrap.servers": self.broker.bootstrap}).list_groups(group, timeout=TIMEOUT)
        self.assertEqual([(g.state, g.protocol_type, g.members) for g in described], [("Empty", "consumer", [])])

    def test_two_balanced_consumers_split_a_topic(self):
        topic, group = unique("kcat-split"), unique("kcat-g2")
        parts = {(topic, p) for p in range(4)}
        self.create(topic, 4)
        members = [KcatMember(self.broker, group, topic, f"kcat-{i}") for i in range(2)]
        for m in members:
            self.addCleanup(m.terminate)
            self.watch_output(m.name, m.stderr_lines)

        def settled():
            first = {m.name: m.current_assignment() for m in members}
            if not all(first.values()) or not is_partition_split(first, parts):
                return None
            time.sleep(0.5)
            return first if {m.name: m.current_assignment() for m in members} == first else None

        split = wait_for(settled, TIMEOUT, "two kcat members to split four partitions")
        check_partition_split(self, split, parts, "two kcat members")

        values = self.produce(topic, 4, 25, "split")
        wait_for(lambda: sum(len(m.consumed()) for m in members) >= 100, TIMEOUT, "100 records from two kcats")
        # Auto-commit (every 200 ms here) while both are members of a stable group.
        seen = []
        wait_for(lambda: seen.append(self.committed(group, topic, 4)) or seen[-1] == {p: 25 for p in range(4)},
                 TIMEOUT, lambda: f"the two kcats to commit offset 25 on every partition; last seen {seen[-1:]}")
        records = [r for m in members for r in m.consumed()]
        self.assertEqual(len(records), 100, "records were printed more than once")
        self.assertEqual({v for _, _, v in records}, values)
        for m in members:
            self.assertTrue({(topic, p) for p, _, _ in m.consumed()} <= split[m.name],
                            f"{m.name} printed records of partitions it was not assigned")
        for m in members:
            self.assertEqual(m.terminate(), 0, f"{m.name} exit code")


if __name__ == "__main__":
    unittest.main()
