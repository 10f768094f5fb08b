"""kcat against a real sluice: metadata (-L), produce and consume, offsets
by time (-Q), and 20,000 lz4 records surviving a restart."""

import json
import subprocess
import unittest
import uuid

from sluice_harness import SluiceBroker

TIMEOUT = 60


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def kcat(broker, *args, stdin=None):
    result = subprocess.run(["kcat", "-b", broker.bootstrap, *args], input=stdin, capture_output=True, text=True,
                            timeout=TIMEOUT)
    if result.returncode != 0:
        raise AssertionError(f"kcat {' '.join(args)} failed: {result.stderr}")
    return result.stdout


class KcatTest(unittest.TestCase):
    def test_metadata_lists_broker_and_topic(self):
        with SluiceBroker() as broker:
            name = unique("kcat-meta")
            kcat(broker, "-P", "-t", name, stdin="one\n")
            md = json.loads(kcat(broker, "-L", "-J"))
            self.assertEqual(md["brokers"][0]["name"], f"127.0.0.1:{broker.port}")
            topics = {t["topic"]: t for t in md["topics"]}
            self.assertIn(name, topics)
            self.assertEqual(len(topics[name]["partitions"]), 1)
            self.assertEqual(broker.stop(), 0)

    def test_produce_consume_and_offsets_by_time(self):
        with SluiceBroker() as broker:
            name = unique("kcat-time")
            lines = "".join(f"message-{i}\n" for i in range(10))
            kcat(broker, "-P", "-t", name, stdin=lines)
            out = kcat(broker, "-C", "-t", name, "-e", "-f", "%o %s\\n")
            self.assertEqual(out.splitlines(), [f"{i} message-{i}" for i in range(10)])
            # -Q: the offset for a timestamp in the future is the end (-1 in kcat's output means none).
            q = kcat(broker, "-Q", "-t", f"{name}:0:0")
            self.assertIn(f"{name} [0] offset 0", q)
            self.assertEqual(broker.stop(), 0)

    def test_twenty_thousand_lz4_records_survive_a_restart(self):
        with SluiceBroker() as broker:
            name = unique("kcat-lz4")
            lines = "".join(f"record-{i:05d}\n" for i in range(20000))
            kcat(broker, "-P", "-t", name, "-z", "lz4", "-X", "acks=all", stdin=lines)
            expected = [f"record-{i:05d}" for i in range(20000)]
            self.assertEqual(kcat(broker, "-C", "-t", name, "-e", "-q").splitlines(), expected)
            broker.restart()
            self.assertEqual(kcat(broker, "-C", "-t", name, "-e", "-q").splitlines(), expected)
            self.assertEqual(broker.stop(), 0)


if __name__ == "__main__":
    unittest.main()
