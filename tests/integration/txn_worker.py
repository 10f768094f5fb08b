"""Child processes for the transaction tests, so a test can SIGKILL them
(a producer that dies never ends its transaction).

  txn_worker.py eos BOOTSTRAP INPUT OUTPUT GROUP TXN_ID TOTAL [--hang-after N]
    A consume-transform-produce loop (read_committed consumer, transactional
    producer, offsets sent in the transaction). It stops once the group's
    position covers TOTAL input records. With --hang-after N it commits
    transactions until N records are done, then starts one more (records
    produced, offsets sent), prints HANGING and waits to be killed.

  txn_worker.py open BOOTSTRAP TOPIC TXN_ID COUNT TIMEOUT_MS
    Produces COUNT records in a transaction that it never ends, prints
    HANGING and waits to be killed.
"""

import sys
import time

from confluent_kafka import Consumer, Producer

BATCH = 20


def transform(value):
    return b"out-" + value


def say(line):
    print(line, flush=True)


def eos(bootstrap, input_topic, output_topic, group, txn_id, total, hang_after=None):
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "auto.offset.reset": "earliest",
                         "enable.auto.commit": False, "isolation.level": "read_committed",
                         "session.timeout.ms": 6000, "heartbeat.interval.ms": 500})
    producer = Producer({"bootstrap.servers": bootstrap, "transactional.id": txn_id,
                         "transaction.timeout.ms": 60000})
    producer.init_transactions(30)
    consumer.subscribe([input_topic])
    done = 0  # input records whose output is committed
    deadline = time.time() + 120
    while time.time() < deadline:
        msgs = [m for m in consumer.consume(BATCH, 1.0) if not m.error()]
        if not msgs:
            assignment = consumer.assignment()
            if assignment and sum(max(p.offset, 0) for p in consumer.committed(assignment, 10)) >= total:
                say("FINISHED")
                break
            continue
        producer.begin_transaction()
        for m in msgs:
            producer.produce(output_topic, key=m.key(), value=transform(m.value()))
        producer.send_offsets_to_transaction(consumer.position(consumer.assignment()),
                                             consumer.consumer_group_metadata(), 30)
        if hang_after is not None and done >= hang_after:
            producer.flush(30)
            say("HANGING")
            time.sleep(3600)
        producer.commit_transaction(30)
        done += len(msgs)
        say(f"COMMITTED {done}")
    consumer.close()


def open_transaction(bootstrap, topic, txn_id, count, timeout_ms):
    producer = Producer({"bootstrap.servers": bootstrap, "transactional.id": txn_id,
                         "transaction.timeout.ms": timeout_ms})
    producer.init_transactions(30)
    producer.begin_transaction()
    for i in range(count):
        producer.produce(topic, value=f"zombie-{i}".encode())
    producer.flush(30)
    say("HANGING")
    time.sleep(3600)


def main(argv):
    if argv[0] == "eos":
        hang_after = int(argv[argv.index("--hang-after") + 1]) if "--hang-after" in argv else None
        eos(argv[1], argv[2], argv[3], argv[4], argv[5], int(argv[6]), hang_after)
    elif argv[0] == "open":
        open_transaction(argv[1], argv[2], argv[3], int(argv[4]), int(argv[5]))
    else:
        raise SystemExit(f"unknown mode {argv[0]}")


if __name__ == "__main__":
    main(sys.argv[1:])
