"""Consumer groups through confluent-kafka-python (librdkafka) against a real
sluice: partition split and rebalances, a member killed without LeaveGroup,
static membership (KIP-345), committed offsets across restarts and a SIGKILL,
assignment strategies (range, roundrobin, cooperative-sticky, KIP-429), and
commits by assign() users that never join the group."""

import queue
import threading
import time
import unittest

from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from group_helpers import (GROUP_OVERRIDES, TIMEOUT, SharedBrokerTestCase, Tracked, MemberProcess, wait_for_split,
                           unique, wait_for)
from sluice_harness import SluiceBroker


class Member(threading.Thread, Tracked):
    """A subscribing consumer polled by its own thread, so it takes part in
    rebalances promptly. Rebalance callbacks and records are recorded;
    `call` runs a function on the consumer from the polling thread."""

    def __init__(self, bootstrap, group, topics, name, **conf):
        super().__init__(name=name, daemon=True)
        config = {"bootstrap.servers": bootstrap, "group.id": group, "client.id": name,
                  "session.timeout.ms": 6000, "heartbeat.interval.ms": 300,
                  "auto.offset.reset": "earliest", "enable.auto.commit": False}
        config.update(conf)
        self.consumer = Consumer(config)
        self.topics = topics
        self._init_tracking()
        self.events = []
        self.errors = []
        self._commands = queue.Queue()
        self._halt = threading.Event()

    def _track(self, kind, partitions):
        parts = {(p.topic, p.partition) for p in partitions}
        with self.lock:
            if kind == "assign":
                self.assignment |= parts
            else:
                self.assignment -= parts
            self.events.append((kind, parts))

    def run(self):
        try:
            self.consumer.subscribe(self.topics, on_assign=lambda c, p: self._track("assign", p),
                                    on_revoke=lambda c, p: self._track("revoke", p),
                                    on_lost=lambda c, p: self._track("lost", p))
            while not self._halt.is_set():
                self._run_commands()
                msg = self.consumer.poll(0.1)
                if msg is None:
                    continue
                if msg.error():
                    if msg.error().code() != KafkaError._PARTITION_EOF:
                        with self.lock:
                            self.errors.append(msg.error())
                    continue
                with self.lock:
                    self.records.append((msg.topic(), msg.partition(), msg.offset(), msg.value()))
        finally:
            self._run_commands()
            self.consumer.close()

    def _run_commands(self):
        while True:
            try:
                fn, box, done = self._commands.get_nowait()
            except queue.Empty:
                return
            try:
                box.append((True, fn(self.consumer)))
            except Exception as e:  # handed back to the caller
                box.append((False, e))
            done.set()

    def call(self, fn, timeout=TIMEOUT):
        box, done = [], threading.Event()
        self._commands.put((fn, box, done))
        if not done.wait(timeout):
            raise AssertionError(f"{self.name}: consumer call did not run within {timeout}s")
        ok, value = box[0]
        if not ok:
            raise value
        return value

    def event_count(self):
        with self.lock:
            return len(self.events)

    def stop(self):
        """Closes the consumer (which sends LeaveGroup) and ends the thread."""
        self._halt.set()
        self.join(TIMEOUT)


class ConfluentGroupsTest(SharedBrokerTestCase):
    def setUp(self):
        super().setUp()
        self.members = []
        self.processes = []
        self.admins = {}
        self.addCleanup(self._stop_members)

    def _stop_members(self):
        for p in self.processes:
            p.kill()
        for m in self.members:
            if m.is_alive():
                m.stop()

    # --- helpers ---

    def admin(self, broker=None):
        # Kept for the test: a dropped AdminClient fails its pending futures.
        bootstrap = (broker or self.broker).bootstrap
        if bootstrap not in self.admins:
            self.admins[bootstrap] = AdminClient({"bootstrap.servers": bootstrap})
        return self.admins[bootstrap]

    def create(self, topic, partitions, broker=None):
        self.admin(broker).create_topics([NewTopic(topic, partitions, 1)])[topic].result(TIMEOUT)

    def produce(self, topic, partitions, per_partition, broker=None, tag="v"):
        """Writes per_partition records to each partition; their values."""
        producer = Producer({"bootstrap.servers": (broker or self.broker).bootstrap, "linger.ms": 5})
        failures = []
        values = set()
        for i in range(per_partition):
            for p in range(partitions):
                value = f"{tag}-{p}-{i}".encode()
                values.add(value)
                producer.produce(topic, value=value, partition=p,
                                 on_delivery=lambda e, m: e is not None and failures.append(e))
        self.assertEqual(producer.flush(TIMEOUT), 0, "producer did not deliver everything")
        self.assertEqual(failures, [])
        return values

    def member(self, group, topics, name, broker=None, **conf):
        m = Member((broker or self.broker).bootstrap, group, topics, name, **conf)
        self.members.append(m)
        m.start()
        return m

    def child(self, group, topic, name, broker=None, **kwargs):
        p = MemberProcess((broker or self.broker).bootstrap, group, topic, name, **kwargs)
        self.processes.append(p)
        self.watch_output(f"member process {name}", p.output_lines)
        return p

    def wait_split(self, members, partitions, what, sizes=None, timeout=TIMEOUT):
        split = wait_for_split(self, members, partitions, what, timeout,
                               lambda: {m.name: m.errors for m in members if getattr(m, "errors", None)})
        if sizes is not None:
            self.assertEqual(sorted(len(p) for p in split.values()), sorted(sizes), f"{what}: {split}")
        return split

    def describe(self, group, broker=None):
        groups = self.admin(broker).list_groups(group, timeout=TIMEOUT)
        self.assertEqual(len(groups), 1, groups)
        self.assertIsNone(groups[0].error, f"describe {group}: {groups[0].error}")
        return groups[0]

    def committed(self, group, topic, partitions, broker=None):
        """The group's committed offsets, fetched by a consumer that never joins."""
        c = Consumer({"bootstrap.servers": (broker or self.broker).bootstrap, "group.id": group})
        try:
            found = c.committed([TopicPartition(topic, p) for p in range(partitions)], timeout=TIMEOUT)
        finally:
            c.close()
        for tp in found:
            self.assertIsNone(tp.error, f"committed offset of {tp}: {tp.error}")
        return {tp.partition: tp.offset for tp in found}

    def assert_each_once(self, records, expected_values, what):
        values = [r[3] for r in records]
        positions = [(r[0], r[1], r[2]) for r in records]
        duplicates = {p for p in positions if positions.count(p) > 1}
        self.assertFalse(duplicates, f"{what}: records delivered more than once: {sorted(duplicates)[:10]}")
        self.assertEqual(set(values), expected_values, f"{what}: consumed values differ from produced")
        self.assertEqual(len(values), len(expected_values))

    # --- tests ---

    def test_members_split_partitions_rebalance_on_join_and_on_session_expiry(self):
        topic, group = unique("cg6"), unique("g-split")
        parts = {(topic, p) for p in range(6)}
        self.create(topic, 6)
        members = [self.member(group, [topic], f"member-{i}") for i in range(3)]
        self.wait_split(members, parts, "three members on six partitions", sizes=[2, 2, 2])

        # Produced after the group settled, so no rebalance can redeliver anything.
        values = self.produce(topic, 6, 100)
        wait_for(lambda: sum(len(m.consumed()) for m in members) >= 600, TIMEOUT,
                 lambda: f"600 records consumed by the group, have {sum(len(m.consumed()) for m in members)}")
        time.sleep(0.5)  # duplicates, if any, would arrive now
        self.assert_each_once([r for m in members for r in m.consumed()], values, "three members")
        for m in members:
            owned = m.current_assignment()
            stray = [r for r in m.consumed() if (r[0], r[1]) not in owned]
            self.assertEqual(stray, [], f"{m.name} consumed from partitions it was not assigned")
        self.assertEqual([e for m in members for e in m.errors], [])

        described = self.describe(group)
        self.assertEqual(described.state, "Stable")
        self.assertEqual(described.protocol_type, "consumer")
        self.assertEqual(described.protocol, "range")  # librdkafka's first choice
        self.assertEqual(sorted(mb.client_id for mb in described.members), ["member-0", "member-1", "member-2"])
        listed = {g.id: g for g in self.admin().list_groups(timeout=TIMEOUT)}
        self.assertIn(group, listed)
        self.assertEqual(listed[group].protocol_type, "consumer")

        for m in members:
            m.call(lambda c: c.commit(asynchronous=False))
        self.assertEqual(self.committed(group, topic, 6), {p: 100 for p in range(6)})

        # A fourth member joins: the group rebalances over all four.
        fourth = self.child(group, topic, "member-3-process", session_ms=3000)
        self.wait_split(members + [fourth], parts, "four members on six partitions", sizes=[1, 1, 2, 2])
        self.assertEqual(len(self.describe(group).members), 4)

        # SIGKILL: no LeaveGroup, so the member stays until its 3 s session expires.
        killed_at = time.time()
        fourth.kill()
        still = self.describe(group)
        self.assertEqual(len(still.members), 4, "a killed member must stay in the group until its session expires")
        self.wait_split(members, parts, "three members after the fourth was killed", sizes=[2, 2, 2])
        elapsed = time.time() - killed_at
        self.assertGreaterEqual(elapsed, 2.0, "partitions moved long before the killed member's 3 s session expired")
        self.assertLess(elapsed, 3 + 15, "the killed member's partitions did not move after its session timeout")
        self.assertEqual(len(self.describe(group).members), 3)

        # New owners resume at the committed offsets: only the new records arrive.
        more = self.produce(topic, 6, 10, tag="after")
        wait_for(lambda: sum(len(m.consumed()) for m in members) >= 660, TIMEOUT,
                 lambda: f"60 more records, have {sum(len(m.consumed()) for m in members) - 600}")
        time.sleep(0.5)
        later = [r for m in members for r in m.consumed() if r[2] >= 100]
        self.assert_each_once(later, more, "after the kill")
        self.assertEqual(sum(len(m.consumed()) for m in members), 660, "records before the commit were redelivered")

    def test_static_member_restart_keeps_assignment_without_rebalance(self):
        topic, group = unique("cg-static"), unique("g-static")
        parts = {(topic, p) for p in range(6)}
        self.create(topic, 6)
        # Dynamic members first, so the leader is not the static member.
        a = self.member(group, [topic], "dynamic-a")
        b = self.member(group, [topic], "dynamic-b")
        self.wait_split([a, b], parts, "two dynamic members", sizes=[3, 3])
        static = self.child(group, topic, "static-c", instance_id="static-instance-c", session_ms=6000)
        split = self.wait_split([a, b, static], parts, "two dynamic and one static member", sizes=[2, 2, 2])

        before = {mb.client_id: mb.id for mb in self.describe(group).members}
        self.assertEqual(sorted(before), ["dynamic-a", "dynamic-b", "static-c"])
        events_a, events_b = a.event_count(), b.event_count()

        # A static member that goes away sends no LeaveGroup (KIP-345); its
        # replacement with the same group.instance.id rejoins within the
        # session timeout and gets the same partitions without a rebalance.
        static.kill()
        self.assertEqual(len(self.describe(group).members), 3)
        restarted = self.child(group, topic, "static-c", instance_id="static-instance-c", session_ms=6000)
        wait_for(lambda: restarted.current_assignment(), TIMEOUT, "the restarted static member's assignment")
        self.assertEqual(restarted.current_assignment(), split["static-c"])

        after = self.describe(group)
        ids = {mb.client_id: mb.id for mb in after.members}
        self.assertEqual(after.state, "Stable")
        self.assertEqual(sorted(ids), ["dynamic-a", "dynamic-b", "static-c"])
        self.assertEqual(ids["dynamic-a"], before["dynamic-a"])
        self.assertEqual(ids["dynamic-b"], before["dynamic-b"])
        self.assertNotEqual(ids["static-c"], before["static-c"], "a rejoining static member gets a new member id")

        # Past the old instance's session timeout: still no rebalance.
        time.sleep(7)
        self.assertEqual((a.event_count(), b.event_count()), (events_a, events_b),
                         f"the other members were rebalanced: {a.events[events_a:]} {b.events[events_b:]}")
        self.assertEqual(len(restarted.assign_events()), 1)
        self.assertEqual(self.describe(group).state, "Stable")
        self.assertEqual(len(self.describe(group).members), 3)

    def test_committed_offsets_survive_restart_and_sigkill(self):
        broker = self.watch_broker(SluiceBroker(GROUP_OVERRIDES))
        # Members close before their broker goes away.
        self.addCleanup(lambda: (self._stop_members(), broker.__exit__(None, None, None)))
        broker.start()
        topic, group = unique("cg-durable"), unique("g-durable")
        self.create(topic, 2, broker=broker)
        self.produce(topic, 2, 100, broker=broker)

        def resume_and_check(expected_start, commit_to=None):
            m = self.member(group, [topic], unique("resumer"), broker=broker)
            expected = {(p, o) for p, start in expected_start.items() for o in range(start, 100)}
            wait_for(lambda: len(m.consumed()) >= len(expected), TIMEOUT,
                     lambda: f"{len(expected)} records from the committed offsets {expected_start}, "
                             f"have {len(m.consumed())}, errors {m.errors}")
            time.sleep(0.3)
            got = [(r[1], r[2]) for r in m.consumed()]
            self.assertEqual(sorted(got), sorted(expected), f"did not resume at {expected_start}")
            if commit_to:
                m.call(lambda c: c.commit(offsets=[TopicPartition(topic, p, o) for p, o in commit_to.items()],
                                          asynchronous=False))
            m.stop()

        first = self.member(group, [topic], "first", broker=broker)
        self.wait_split([first], {(topic, 0), (topic, 1)}, "one member")
        first.call(lambda c: c.commit(offsets=[TopicPartition(topic, 0, 40), TopicPartition(topic, 1, 70)],
                                      asynchronous=False))
        first.stop()
        self.assertEqual(self.committed(group, topic, 2, broker=broker), {0: 40, 1: 70})
        wait_for(lambda: self.describe(group, broker=broker).state == "Empty", TIMEOUT, "the group to be Empty")

        broker.restart()
        self.assertEqual(self.committed(group, topic, 2, broker=broker), {0: 40, 1: 70})
        described = self.describe(group, broker=broker)
        self.assertEqual((described.state, described.protocol_type, described.members), ("Empty", "consumer", []))
        resume_and_check({0: 40, 1: 70}, commit_to={0: 60, 1: 90})

        port = broker.port
        broker.kill()  # SIGKILL: an acknowledged commit must survive it
        broker.start(port)
        self.assertEqual(self.committed(group, topic, 2, broker=broker), {0: 60, 1: 90})
        resume_and_check({0: 60, 1: 90})
        self.assertEqual(broker.stop(), 0)

    def test_range_and_roundrobin_assignors(self):
        ta, tb = unique("cg-ra"), unique("cg-rb")
        self.create(ta, 3)
        self.create(tb, 3)
        parts = {(t, p) for t in (ta, tb) for p in range(3)}
        for strategy, sizes in [("range", [2, 4]), ("roundrobin", [3, 3])]:
            with self.subTest(strategy=strategy):
                group = unique(f"g-{strategy}")
                ms = [self.member(group, [ta, tb], f"{strategy}-{i}", **{"partition.assignment.strategy": strategy})
                      for i in range(2)]
                split = self.wait_split(ms, parts, f"{strategy}: two members", sizes=sizes)
                if strategy == "range":
                    # Range splits each topic on its own: same partition numbers in both.
                    for owned in split.values():
                        self.assertEqual({p for t, p in owned if t == ta}, {p for t, p in owned if t == tb})
                self.assertEqual(self.describe(group).protocol, strategy)
                for m in ms:
                    m.stop()

    def test_cooperative_sticky_rebalances_incrementally(self):
        topic, group = unique("cg-coop"), unique("g-coop")
        parts = {(topic, p) for p in range(4)}
        self.create(topic, 4)
        conf = {"partition.assignment.strategy": "cooperative-sticky"}
        first = self.member(group, [topic], "coop-1", **conf)
        self.wait_split([first], parts, "the first cooperative member", sizes=[4])
        second = self.member(group, [topic], "coop-2", **conf)
        split = self.wait_split([first, second], parts, "two cooperative members", sizes=[2, 2])

        # KIP-429: the first member gave up only what moved, never everything.
        with first.lock:
            events = list(first.events)
        self.assertEqual(events[0], ("assign", parts), events)
        revoked = [p for kind, p in events if kind != "assign" and p]
        self.assertEqual(len(revoked), 1, f"expected one incremental revoke: {events}")
        self.assertEqual(revoked[0], parts - split["coop-1"])
        self.assertEqual(self.describe(group).protocol, "cooperative-sticky")

        values = self.produce(topic, 4, 25)
        wait_for(lambda: len(first.consumed()) + len(second.consumed()) >= 100, TIMEOUT, "100 records")
        time.sleep(0.3)
        self.assert_each_once(first.consumed() + second.consumed(), values, "cooperative members")

    def test_assign_only_consumer_commits_without_joining(self):
        topic, group = unique("cg-simple"), unique("g-simple")
        self.create(topic, 1)
        self.produce(topic, 1, 50)
        simple = Consumer({"bootstrap.servers": self.broker.bootstrap, "group.id": group,
                           "enable.auto.commit": False})
        try:
            simple.assign([TopicPartition(topic, 0, 0)])
            msg = simple.poll(TIMEOUT)
            self.assertIsNotNone(msg)
            self.assertIsNone(msg.error())
            simple.commit(offsets=[TopicPartition(topic, 0, 42)], asynchronous=False)
            self.assertEqual(simple.committed([TopicPartition(topic, 0)], timeout=TIMEOUT)[0].offset, 42)
        finally:
            simple.close()
        # Offsets-only groups exist, with no members and no protocol type.
        described = self.describe(group)
        self.assertEqual((described.state, described.protocol_type, described.members), ("Empty", "", []))

        m = self.member(group, [topic], "after-simple")
        wait_for(lambda: len(m.consumed()) >= 8, TIMEOUT, "records from offset 42")
        time.sleep(0.3)
        self.assertEqual([r[2] for r in m.consumed()], list(range(42, 50)))

        # Kafka refuses a generation-less commit into a group with members.
        intruder = Consumer({"bootstrap.servers": self.broker.bootstrap, "group.id": group,
                             "enable.auto.commit": False})
        try:
            intruder.assign([TopicPartition(topic, 0, 0)])
            with self.assertRaises(KafkaException) as ctx:
                intruder.commit(offsets=[TopicPartition(topic, 0, 7)], asynchronous=False)
            self.assertEqual(ctx.exception.args[0].code(), KafkaError.UNKNOWN_MEMBER_ID, ctx.exception)
        finally:
            intruder.close()
        self.assertEqual(self.committed(group, topic, 1), {0: 42})

    def test_unknown_group_is_not_listed(self):
        # librdkafka's list_groups(group) lists (ListGroups) before it describes,
        # so an unknown group is simply absent; kafka-python's test checks Dead.
        self.assertEqual(self.admin().list_groups(unique("g-never"), timeout=TIMEOUT), [])


if __name__ == "__main__":
    unittest.main()
