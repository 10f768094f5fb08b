#!/usr/bin/python3
"""Drive confluent-kafka-python (librdkafka) against the capture broker.

Usage: drive_confluent.py PORT SCENARIO
Scenarios: produce-<codec> (none|gzip|snappy|lz4|zstd), idempotent, group.
Each scenario is one short-lived client; run it under `timeout`.
"""
import sys
import time

from confluent_kafka import Consumer, Producer

CLIENT_ID = "golden-confluent-python"
TOPIC = "golden-topic"
GROUP = "golden-group"


def produce(port, extra):
    conf = {"bootstrap.servers": "127.0.0.1:%d" % port, "client.id": CLIENT_ID,
            "linger.ms": 200, "message.timeout.ms": 10000}
    conf.update(extra)
    p = Producer(conf)
    # Connect and learn the partition leader first so that the three messages
    # below end up in a single batch (one Produce request).
    p.list_topics(TOPIC, timeout=10)
    errors = []

    def cb(err, msg):
        if err is not None:
            errors.append(err)

    for i in (1, 2, 3):
        p.produce(TOPIC, key=b"key-%d" % i, value=b"value-%d" % i, partition=0,
                  headers=[("golden-header", b"hv-%d" % i)], on_delivery=cb)
    left = p.flush(15)
    if left or errors:
        sys.exit("produce failed: left=%d errors=%s" % (left, errors))


def group(port):
    c = Consumer({"bootstrap.servers": "127.0.0.1:%d" % port, "client.id": CLIENT_ID,
                  "group.id": GROUP, "auto.offset.reset": "earliest",
                  "enable.auto.commit": False})
    c.subscribe([TOPIC])
    got = []
    deadline = time.time() + 20
    while len(got) < 2 and time.time() < deadline:
        m = c.poll(0.5)
        if m is None or m.error():
            continue
        got.append(m)
        print("consumed offset=%d key=%r value=%r" % (m.offset(), m.key(), m.value()))
    if len(got) < 2:
        sys.exit("did not consume 2 messages")
    c.commit(asynchronous=False)
    c.close()


def main():
    port, scenario = int(sys.argv[1]), sys.argv[2]
    if scenario.startswith("produce-"):
        produce(port, {"compression.type": scenario[len("produce-"):]})
    elif scenario == "idempotent":
        produce(port, {"enable.idempotence": True})
    elif scenario == "group":
        group(port)
    else:
        sys.exit("unknown scenario " + scenario)


if __name__ == "__main__":
    main()
