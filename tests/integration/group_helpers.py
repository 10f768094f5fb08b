"""Shared pieces of the consumer-group integration tests.

- GROUP_OVERRIDES: broker settings that make rebalances fast enough to test;
  TXN_OVERRIDES adds the transaction coordinator's.
- GroupTestCase: a unittest base that prints the broker's (and any member
  process's) last output when a test fails, so CI logs show what went wrong.
- MemberProcess: a confluent-kafka group member in a child process, so a test
  can SIGKILL it and the broker never sees a LeaveGroup (the member must be
  expired by its session timeout, as in Kafka).

Run as a script, this file is that child: it joins a group and prints one
JSON line per rebalance callback (and per record) on stdout.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
import unittest
import uuid

TIMEOUT = 30

# Kafka's defaults delay the first rebalance by 3 s and refuse sessions under
# 6 s; single-node Kafka setups also need the offsets topic at replication 1.
GROUP_OVERRIDES = {
    "group.initial.rebalance.delay.ms": "0",
    "group.min.session.timeout.ms": "1000",
    "offsets.topic.replication.factor": "1",
}

# The same for the transaction log, and a quick abort of timed-out
# transactions so a timeout test does not wait Kafka's 10 s per check.
TXN_OVERRIDES = dict(GROUP_OVERRIDES, **{
    "transaction.state.log.replication.factor": "1",
    "transaction.state.log.min.isr": "1",
    "transaction.abort.timed.out.transaction.cleanup.interval.ms": "500",
})


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def wait_for(predicate, timeout, what, interval=0.05):
    """Polls predicate until it returns a truthy value; fails with `what`
    (a string, or a callable giving one at failure time)."""
    deadline = time.time() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.time() >= deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what() if callable(what) else what}")
        time.sleep(interval)


def check_partition_split(testcase, assignments, partitions, what):
    """Asserts the members' assignments are pairwise disjoint and cover every
    partition exactly once. `assignments`: {member: set of (topic, partition)}."""
    seen = {}
    for member, parts in assignments.items():
        for tp in parts:
            testcase.assertNotIn(tp, seen, f"{what}: {tp} assigned to both {seen.get(tp)} and {member}: {assignments}")
            seen[tp] = member
    testcase.assertEqual(set(seen), set(partitions),
                         f"{what}: union of assignments is not every partition: {assignments}")


def is_partition_split(assignments, partitions):
    total = sum(len(p) for p in assignments.values())
    union = set().union(*assignments.values()) if assignments else set()
    return total == len(partitions) and union == set(partitions)


def wait_for_split(testcase, members, partitions, what, timeout=TIMEOUT, errors=lambda: {}):
    """Waits until every member (a Tracked) holds some partitions and together
    they hold each exactly once, unchanged for half a second; returns the
    split {member name: partitions}. `errors` gives the members' client
    errors for the failure message."""
    def snapshot():
        return {m.name: m.current_assignment() for m in members}

    def settled():
        first = snapshot()
        if not all(first.values()) or not is_partition_split(first, partitions):
            return None
        time.sleep(0.5)
        return first if snapshot() == first else None

    try:
        split = wait_for(settled, timeout, what)
    except AssertionError:
        check_partition_split(testcase, snapshot(), partitions, f"{what} (client errors: {errors()})")
        testcase.fail(f"{what}: some member has no partitions: {snapshot()} (client errors: {errors()})")
    check_partition_split(testcase, split, partitions, what)
    return split


class Tracked:
    """What a group member has seen -- its assignment and the records it
    consumed -- kept under a lock its reader threads share."""

    def _init_tracking(self):
        self.lock = threading.Lock()
        self.assignment = set()
        self.records = []

    def current_assignment(self):
        with self.lock:
            return set(self.assignment)

    def consumed(self):
        with self.lock:
            return list(self.records)


class GroupTestCase(unittest.TestCase):
    """Prints the last broker log lines (and member output) when a test fails.
    Tests register what to print with self.watch_broker / self.watch_output."""

    LOG_LINES = 80

    def setUp(self):
        self._watched = []

    def watch_broker(self, broker):
        self._watched.append(("broker", lambda: broker.log_lines))
        return broker

    def watch_output(self, name, lines_fn):
        self._watched.append((name, lines_fn))

    def run(self, result=None):
        result = result if result is not None else self.defaultTestResult()
        before = len(result.failures) + len(result.errors)
        outcome = super().run(result)
        if len(result.failures) + len(result.errors) > before:
            watched = list(getattr(self, "_watched", []))
            shared = getattr(type(self), "broker", None)  # a broker set up for the whole class
            if shared is not None:
                watched.append(("the class's broker", lambda: shared.log_lines))
            for name, lines_fn in watched:
                lines = list(lines_fn())[-self.LOG_LINES:]
                sys.stderr.write(f"\n----- {self.id()} failed; last {len(lines)} lines of {name} -----\n")
                sys.stderr.write("\n".join(lines) + "\n")
            sys.stderr.flush()
        return outcome


class MemberProcess(Tracked):
    """A confluent-kafka consumer-group member running in a child process."""

    def __init__(self, bootstrap, group, topic, client_id, instance_id=None, session_ms=3000, strategy=None):
        args = [sys.executable, os.path.abspath(__file__), "--bootstrap", bootstrap, "--group", group,
                "--topic", topic, "--client-id", client_id, "--session-ms", str(session_ms)]
        if instance_id:
            args += ["--instance-id", instance_id]
        if strategy:
            args += ["--strategy", strategy]
        self.name = client_id
        self._init_tracking()
        self.events = []
        self.output = []
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self._threads = [threading.Thread(target=self._read_stdout, daemon=True),
                         threading.Thread(target=self._read_stderr, daemon=True)]
        for t in self._threads:
            t.start()

    def _read_stdout(self):
        for line in self.process.stdout:
            line = line.rstrip()
            with self.lock:
                self.output.append(line)
                try:
                    event = json.loads(line)
                except ValueError:
                    continue
                kind = event.get("event")
                parts = {(tp[0], tp[1]) for tp in event.get("partitions", [])}
                if kind == "assign":
                    self.assignment |= parts
                    self.events.append(("assign", parts))
                elif kind in ("revoke", "lost"):
                    self.assignment -= parts
                    self.events.append((kind, parts))
                elif kind == "record":
                    self.records.append((event["topic"], event["partition"], event["offset"]))

    def _read_stderr(self):
        for line in self.process.stderr:
            with self.lock:
                self.output.append("stderr: " + line.rstrip())

    def assign_events(self):
        with self.lock:
            return [e for e in self.events if e[0] == "assign"]

    def output_lines(self):
        with self.lock:
            return list(self.output)

    def kill(self):
        """SIGKILL: the member leaves no LeaveGroup behind."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(TIMEOUT)
        for t in self._threads:
            t.join(5)
        self.process.stdout.close()
        self.process.stderr.close()


def _member_main(argv):
    from confluent_kafka import Consumer, KafkaError

    parser = argparse.ArgumentParser()
    for name in ["bootstrap", "group", "topic", "client-id"]:
        parser.add_argument("--" + name, required=True)
    parser.add_argument("--instance-id")
    parser.add_argument("--session-ms", type=int, default=3000)
    parser.add_argument("--strategy")
    opts = parser.parse_args(argv)
    conf = {"bootstrap.servers": opts.bootstrap, "group.id": opts.group, "client.id": opts.client_id,
            "session.timeout.ms": opts.session_ms, "heartbeat.interval.ms": 300,
            "auto.offset.reset": "earliest", "enable.auto.commit": False}
    if opts.instance_id:
        conf["group.instance.id"] = opts.instance_id
    if opts.strategy:
        conf["partition.assignment.strategy"] = opts.strategy

    def say(**event):
        print(json.dumps(event), flush=True)

    def on_assign(consumer, partitions):
        say(event="assign", partitions=[[p.topic, p.partition] for p in partitions])

    def on_revoke(consumer, partitions):
        say(event="revoke", partitions=[[p.topic, p.partition] for p in partitions])

    def on_lost(consumer, partitions):
        say(event="lost", partitions=[[p.topic, p.partition] for p in partitions])

    parent = os.getppid()
    consumer = Consumer(conf)
    consumer.subscribe([opts.topic], on_assign=on_assign, on_revoke=on_revoke, on_lost=on_lost)
    say(event="started")
    # Runs until killed; exits if the test process went away.
    while os.getppid() == parent:
        msg = consumer.poll(0.2)
        if msg is None:
            continue
        if msg.error():
            if msg.error().code() != KafkaError._PARTITION_EOF:
                say(event="error", error=str(msg.error()))
            continue
        say(event="record", topic=msg.topic(), partition=msg.partition(), offset=msg.offset())


if __name__ == "__main__":
    _member_main(sys.argv[1:])


class SharedBrokerTestCase(GroupTestCase):
    """One broker with OVERRIDES for every test of the class; it must stop
    cleanly (exit 0) at the end."""

    OVERRIDES = GROUP_OVERRIDES

    @classmethod
    def setUpClass(cls):
        from sluice_harness import SluiceBroker
        cls.broker = SluiceBroker(cls.OVERRIDES).start()

    @classmethod
    def tearDownClass(cls):
        code = cls.broker.stop()
        cls.broker.__exit__(None, None, None)
        assert code == 0, f"sluice exited with {code}"
