"""The on-disk layout an operator who knows Kafka expects: about 20 MB
produced with log.segment.bytes=1048576 leaves at least ten segments, each a
.log, .index and .timeindex named by its base offset as 20 digits."""

import os
import re
import unittest

from confluent_kafka import Producer

from sluice_harness import SluiceBroker


class StorageLayoutTest(unittest.TestCase):
    def test_twenty_megabytes_roll_into_named_segments(self):
        with SluiceBroker(overrides={"log.segment.bytes": "1048576"}) as broker:
            producer = Producer({"bootstrap.servers": broker.bootstrap, "acks": "all", "linger.ms": 5})
            value = os.urandom(1024)  # incompressible, so 20 MB reach the disk
            errors = []
            for i in range(20 * 1024):
                while True:
                    try:
                        producer.produce("layout", key=str(i).encode(), value=value,
                                         on_delivery=lambda e, m: e and errors.append(e))
                        break
                    except BufferError:
                        producer.poll(0.1)
            self.assertEqual(producer.flush(60), 0)
            self.assertEqual(errors, [])
            self.assertEqual(broker.stop(), 0)

            files = os.listdir(os.path.join(broker.data_dir, "layout-0"))
            bases = sorted(f[:-4] for f in files if f.endswith(".log"))
            self.assertGreaterEqual(len(bases), 10, files)
            offsets = []
            for base in bases:
                self.assertRegex(base, r"^\d{20}$")
                offsets.append(int(base))
                for suffix in (".index", ".timeindex"):
                    self.assertIn(base + suffix, files)
                size = os.path.getsize(os.path.join(broker.data_dir, "layout-0", base + ".log"))
                self.assertLessEqual(size, 1048576)
            self.assertEqual(offsets[0], 0)
            self.assertEqual(offsets, sorted(set(offsets)))
            for name in ("partition.metadata", "leader-epoch-checkpoint"):
                self.assertIn(name, files)
            top = os.listdir(broker.data_dir)
            for name in ("meta.properties", "recovery-point-offset-checkpoint", "log-start-offset-checkpoint"):
                self.assertIn(name, top)


if __name__ == "__main__":
    unittest.main()
