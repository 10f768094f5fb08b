#!/usr/bin/python3
"""Drive kafka-python (pure Python client, `import kafka`) against the capture broker.

Usage: drive_kafka_python.py PORT SCENARIO [API_VERSION]
Scenarios: produce-<codec> (none|gzip|snappy|lz4|zstd; the last three need
optional Python modules and are skipped when missing), group.
API_VERSION (e.g. 2.5.0 or 0.10.2) pins the broker version kafka-python
assumes instead of probing it.
"""
import sys
import time

from kafka import KafkaConsumer, KafkaProducer

CLIENT_ID = "golden-kafka-python"
TOPIC = "golden-topic"
GROUP = "golden-group"


def common(port, api_version):
    conf = {"bootstrap_servers": "127.0.0.1:%d" % port, "client_id": CLIENT_ID,
            "request_timeout_ms": 15000}
    if api_version:
        conf["api_version"] = tuple(int(x) for x in api_version.split("."))
    return conf


def produce(port, codec, api_version):
    conf = common(port, api_version)
    conf.update({"compression_type": None if codec == "none" else codec,
                 "linger_ms": 100, "acks": 1})
    p = KafkaProducer(**conf)
    # Record headers need the v2 record batch format (Kafka >= 0.11).
    legacy = "api_version" in conf and conf["api_version"] < (0, 11)
    futures = []
    for i in (1, 2, 3):
        headers = None if legacy else [("golden-header", b"hv-%d" % i)]
        futures.append(p.send(TOPIC, key=b"key-%d" % i, value=b"value-%d" % i, partition=0,
                              headers=headers))
    p.flush(15)
    for f in futures:
        md = f.get(timeout=15)
        print("produced offset=%d" % md.offset)
    p.close(5)


def group(port, api_version):
    conf = common(port, api_version)
    conf.update({"group_id": GROUP, "auto_offset_reset": "earliest",
                 "enable_auto_commit": False, "consumer_timeout_ms": 20000})
    c = KafkaConsumer(TOPIC, **conf)
    got = 0
    deadline = time.time() + 25
    while got < 2 and time.time() < deadline:
        batch = c.poll(timeout_ms=500)
        for _tp, msgs in batch.items():
            for m in msgs:
                got += 1
                print("consumed offset=%d key=%r value=%r" % (m.offset, m.key, m.value))
    if got < 2:
        sys.exit("did not consume 2 messages")
    c.commit()
    c.close()


def main():
    port, scenario = int(sys.argv[1]), sys.argv[2]
    api_version = sys.argv[3] if len(sys.argv) > 3 else None
    if scenario.startswith("produce-"):
        produce(port, scenario[len("produce-"):], api_version)
    elif scenario == "group":
        group(port, api_version)
    else:
        sys.exit("unknown scenario " + scenario)


if __name__ == "__main__":
    main()
