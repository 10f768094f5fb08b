#!/usr/bin/env python3
"""Writes the fuzzers' seed corpus (tests/fuzz/corpus/<target>/) from the
golden request vectors: the records of every captured Produce request (v2
batches of every codec for record_batch and segment_recovery, magic 0/1
message sets for legacy_message_set), and a few server.properties files for
config. The request fuzzer seeds from tests/protocol/golden/ directly.
Run by hand after the golden vectors change; the output is committed.

    tools/fuzz/make_seeds.py
"""

import glob
import hashlib
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools", "golden"))
import decode_golden  # noqa: E402
import kafka_codec  # noqa: E402

CORPUS = os.path.join(ROOT, "tests", "fuzz", "corpus")

CONFIGS = [
    b"node.id=1\nlisteners=PLAINTEXT://127.0.0.1:9092\nlog.dirs=/tmp/sluice\nnum.partitions=3\n",
    b"# comment\n! also a comment\nlog.segment.bytes : 1048576\nlog.retention.ms 604800000\n"
    b"auto.create.topics.enable=false\\\n  \nmessage.max.bytes=2097152\n",
    b"max.connections.per.ip.overrides=127.0.0.1:10,::1:5\nlog.cleanup.policy=compact,delete\n"
    b"compression.type=zstd\nunicode=\\u00e9t\\u00e9\n",
]


def write(target, name, data):
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def produce_records(schema):
    """(name, records bytes) of every golden Produce request."""
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "protocol", "golden", "*", "*_Produce_*.bin"))):
        with open(path, "rb") as f:
            decoded = decode_golden.decode_frame(schema, f.read())
        for topic in decoded["body"]["TopicData"]:
            for p in topic["PartitionData"]:
                if p["Records"]:
                    client = os.path.basename(os.path.dirname(path))
                    yield f"{client}_{os.path.basename(path)[:-4]}", p["Records"]


def main():
    # Generated seeds go; the inputs fuzzers found (regression-*) stay.
    for path in glob.glob(os.path.join(CORPUS, "*", "*")):
        if not os.path.basename(path).startswith("regression-"):
            os.remove(path)
    schema = kafka_codec.Schema(None)
    batches = []
    for name, records in produce_records(schema):
        magic = records[16] if len(records) > 16 else -1  # the magic byte sits at 16 in every format
        if magic == 2:
            write("record_batch", name, records)
            batches.append(records)
        else:
            write("legacy_message_set", name, records)
    # A segment holds batches back to back; one file with all of them, and each
    # alone. The fuzzer's input ends in a flag byte (odd: make the CRCs right).
    write("segment_recovery", "all", b"".join(batches) + b"\x01")
    for records in batches:
        write("segment_recovery", hashlib.sha1(records).hexdigest()[:12], records + b"\x01")
    for i, text in enumerate(CONFIGS):
        write("config", f"server{i}.properties", text)


if __name__ == "__main__":
    main()
