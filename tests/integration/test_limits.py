"""Resource limits of the real broker, driven with raw sockets: a request
size over socket.request.max.bytes and array counts of 2^31 are refused
before anything is allocated, max.connections.per.ip closes the extra
connection, max.connections holds the extra one back until a slot frees,
a client that sends without ever reading stops being read
(queued.max.requests) instead of growing the broker, and 10,000 idle
connections are held in bounded memory. Each test prints the broker's RSS
figures."""

import os
import resource
import socket
import struct
import sys
import time
import unittest

from sluice_harness import SluiceBroker, cannot_run

# Under ASan, freed memory is held in a quarantine (256 MiB by default), which
# would show as growth; keep it small so RSS reflects live memory.
os.environ["ASAN_OPTIONS"] = os.environ.get("ASAN_OPTIONS", "") + ":quarantine_size_mb=8"

MiB = 1 << 20


def rss(broker):
    with open(f"/proc/{broker.process.pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


def frame(api_key, version, correlation, body=b"", flexible_header=False):
    client = b"limits"
    header = struct.pack(">hhih", api_key, version, correlation, len(client)) + client
    if flexible_header:
        header += b"\x00"  # no tagged fields
    payload = header + body
    return struct.pack(">i", len(payload)) + payload


def api_versions(correlation=1):
    return frame(18, 0, correlation)


def connect(broker, timeout=10):
    s = socket.create_connection(("127.0.0.1", broker.port), timeout=timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def served_connections(broker, n):
    """n new connections, each answered once (so the broker has accepted them)."""
    conns = [connect(broker) for _ in range(n)]
    for s in conns:
        s.sendall(api_versions())
    for s in conns:
        read_response(s)
    return conns


def read_response(s):
    size = struct.unpack(">i", recv_exact(s, 4))[0]
    return recv_exact(s, size)


def recv_exact(s, n):
    out = b""
    while len(out) < n:
        chunk = s.recv(n - len(out))
        if not chunk:
            raise ConnectionError("closed")
        out += chunk
    return out


def closed_by_peer(s, timeout=10):
    s.settimeout(timeout)
    try:
        while True:
            if not s.recv(65536):
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


class LimitsTest(unittest.TestCase):
    def assert_serves(self, broker):
        with connect(broker) as s:
            s.sendall(api_versions(7))
            self.assertEqual(struct.unpack(">i", read_response(s)[:4])[0], 7)

    def test_oversized_request_and_huge_array_counts_allocate_nothing(self):
        with SluiceBroker(overrides={"socket.request.max.bytes": str(MiB)}) as broker:
            self.assert_serves(broker)
            before = rss(broker)
            # A size prefix of 2 GiB - 1: refused on the prefix alone.
            with connect(broker) as s:
                s.sendall(struct.pack(">i", 0x7FFFFFFF) + b"\x00" * 100)
                self.assertTrue(closed_by_peer(s))
            # Metadata v1 claiming 2^31 - 1 topics; v9 (compact) claiming 2^31.
            with connect(broker) as s:
                s.sendall(frame(3, 1, 2, struct.pack(">i", 0x7FFFFFFF)))
                self.assertTrue(closed_by_peer(s))
            with connect(broker) as s:
                s.sendall(frame(3, 9, 3, bytes([0x81, 0x80, 0x80, 0x80, 0x08]) + b"\x00\x00\x00", True))
                self.assertTrue(closed_by_peer(s))
            growth = rss(broker) - before
            print(f"\nRSS growth after a 2 GiB size prefix and 2^31 array counts: {growth / MiB:.1f} MiB",
                  file=sys.stderr)
            self.assertLess(growth, 16 * MiB)
            self.assert_serves(broker)
            self.assertEqual(broker.stop(), 0)

    def test_max_connections_per_ip_closes_the_extra_connection(self):
        with SluiceBroker(overrides={"max.connections.per.ip": "5"}) as broker:
            held = served_connections(broker, 5)
            extra = connect(broker)
            self.assertTrue(closed_by_peer(extra))
            extra.close()
            held.pop().close()
            time.sleep(0.2)
            self.assert_serves(broker)  # a freed slot is usable again
            for s in held:
                s.close()
            self.assertEqual(broker.stop(), 0)

    def test_max_connections_holds_the_extra_connection_until_a_slot_frees(self):
        # Kafka's acceptor stops accepting at max.connections: the extra
        # client waits in the listen backlog and is served once one closes.
        with SluiceBroker(overrides={"max.connections": "5"}) as broker:
            held = served_connections(broker, 5)
            waiting = connect(broker)
            waiting.sendall(api_versions(9))
            waiting.settimeout(1.5)
            with self.assertRaises(socket.timeout):
                waiting.recv(1)
            held.pop().close()
            waiting.settimeout(10)
            self.assertEqual(struct.unpack(">i", read_response(waiting)[:4])[0], 9)
            for s in held + [waiting]:
                s.close()
            self.assertEqual(broker.stop(), 0)

    def test_a_client_that_never_reads_does_not_grow_the_broker(self):
        with SluiceBroker(overrides={"queued.max.requests": "500"}) as broker:
            self.assert_serves(broker)
            before = rss(broker)
            request = frame(3, 1, 1, struct.pack(">i", -1))  # Metadata v1, all topics
            with connect(broker) as s:
                s.setblocking(False)
                sent = 0
                pending = b""
                start = time.time()
                halfway = None
                while time.time() < start + 6:
                    if halfway is None and time.time() > start + 3:
                        halfway = rss(broker)
                    pending = pending or request * 64
                    try:
                        n = s.send(pending)
                        sent += n
                        pending = pending[n:]
                    except BlockingIOError:
                        time.sleep(0.01)  # the broker stopped reading: its queue is full
                after = rss(broker)
                growth = after - before
                print(f"\nslow reader: sent {sent / MiB:.1f} MiB of requests in 6 s, never read; broker RSS growth "
                      f"{growth / MiB:.1f} MiB, of which {(after - halfway) / MiB:.1f} MiB in the last 3 s",
                      file=sys.stderr)
                self.assertLess(growth, 64 * MiB)
                self.assertLess(after - halfway, 4 * MiB, "the broker keeps growing while the client sends")
                self.assert_serves(broker)  # other connections are unaffected
            self.assertEqual(broker.stop(), 0)

    def test_ten_thousand_idle_connections_are_held_with_bounded_memory(self):
        count = 10_000
        need = count + 200
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        try:
            # The broker inherits the limit; raising the hard limit needs root.
            resource.setrlimit(resource.RLIMIT_NOFILE, (max(need, soft), max(need, hard)))
        except (ValueError, OSError):
            cannot_run(f"the file descriptor limit ({hard}) is below {need}")
        self.addCleanup(resource.setrlimit, resource.RLIMIT_NOFILE, (soft, hard))
        with SluiceBroker() as broker:
            self.assert_serves(broker)
            before = rss(broker)
            conns = []
            try:
                # In batches, each answered once before the next: the broker
                # really holds them all, and the listen backlog (50, Kafka's
                # default) never overflows into 1 s SYN retransmits.
                for first in range(0, count, 40):
                    conns += served_connections(broker, min(40, count - first))
                growth = rss(broker) - before
                print(f"\n{count} idle connections: broker RSS growth {growth / MiB:.1f} MiB "
                      f"({growth / count / 1024:.1f} KiB each)", file=sys.stderr)
                self.assertLess(growth, 256 * MiB)
                self.assert_serves(broker)
            finally:
                for s in conns:
                    s.close()
            self.assertEqual(broker.stop(), 0)


if __name__ == "__main__":
    unittest.main()
