package main

// What every scenario shares: client configuration, producing with delivery
// reports, and reading back with assigned partitions under the deadline and
// quiet wait of compat/SCENARIOS.md.

import (
	"fmt"
	"os"
	"time"

	"github.com/confluentinc/confluent-kafka-go/kafka"

	"sluice/compat"
)

const (
	pollTimeout = 100 * time.Millisecond
	timeoutMs   = int(compat.ReadDeadline / time.Millisecond)
)

var topic = compat.Topic

// configWith returns librdkafka settings for the broker, plus extra.
// SLUICE_CLIENT_DEBUG (e.g. "protocol,broker") turns on librdkafka's debug
// log, which goes to stderr.
func configWith(extra kafka.ConfigMap) *kafka.ConfigMap {
	config := kafka.ConfigMap{"bootstrap.servers": compat.Bootstrap}
	if debug := os.Getenv("SLUICE_CLIENT_DEBUG"); debug != "" {
		config["debug"] = debug
	}
	for k, v := range extra {
		config[k] = v
	}
	return &config
}

// readerConfig is for consumers that assign partitions themselves: they
// need a group.id (confluent-kafka-go 0.11.6 insists) but commit nothing.
func readerConfig(extra kafka.ConfigMap) *kafka.ConfigMap {
	config := configWith(kafka.ConfigMap{
		"group.id":           compat.Group + ".reader",
		"enable.auto.commit": false,
		// Room for value_1mib's record in one fetch.
		"max.partition.fetch.bytes": 4 << 20,
		"fetch.max.bytes":           8 << 20,
		"receive.message.max.bytes": 16 << 20,
	})
	for k, v := range extra {
		(*config)[k] = v
	}
	return config
}

func toMessages(records []compat.Record) []*kafka.Message {
	out := make([]*kafka.Message, len(records))
	for i, r := range records {
		out[i] = &kafka.Message{Key: r.Key, Value: r.Value, TopicPartition: kafka.TopicPartition{Partition: kafka.PartitionAny}}
	}
	return out
}

func toRecords(msgs []*kafka.Message) []compat.Record {
	out := make([]compat.Record, len(msgs))
	for i, m := range msgs {
		out[i] = compat.Record{Key: m.Key, Value: m.Value}
	}
	return out
}

// expectOffsets fails unless the messages sit at first, first+1, ...
func expectOffsets(got []*kafka.Message, first int64) {
	for i, m := range got {
		want := first + int64(i)
		compat.Check(int64(m.TopicPartition.Offset) == want, "record %d: expected offset %d, got %d", i, want, m.TopicPartition.Offset)
	}
}

// send produces msgs to the scenario topic, each to the partition it names
// (toMessages names kafka.PartitionAny: the partitioner's choice), with a
// producer lingering 10 ms, and returns each message's delivery report.
func send(extra kafka.ConfigMap, msgs []*kafka.Message) []*kafka.Message {
	p, err := kafka.NewProducer(configWith(merge(kafka.ConfigMap{"linger.ms": 10}, extra)))
	compat.Must(err, "create the producer")
	defer p.Close()
	go logEvents(p.Events())
	reports := make(chan kafka.Event, len(msgs))
	for i, m := range msgs {
		m.TopicPartition.Topic = &topic
		m.Opaque = i
		compat.Must(p.Produce(m, reports), fmt.Sprintf("produce record %d", i))
	}
	delivered := make([]*kafka.Message, len(msgs))
	deadline := time.After(compat.ReadDeadline)
	for range msgs {
		select {
		case e := <-reports:
			m, ok := e.(*kafka.Message)
			compat.Check(ok, "unexpected delivery event %v", e)
			delivered[m.Opaque.(int)] = m
		case <-deadline:
			compat.Fail("no delivery report for every record within %v", compat.ReadDeadline)
		}
	}
	return delivered
}

// produce is send for records that must all be delivered.
func produce(extra kafka.ConfigMap, msgs []*kafka.Message) {
	for i, m := range send(extra, msgs) {
		compat.Check(m.TopicPartition.Error == nil, "record %d: delivery failed: %v", i, m.TopicPartition.Error)
	}
}

func merge(base, extra kafka.ConfigMap) kafka.ConfigMap {
	for k, v := range extra {
		base[k] = v
	}
	return base
}

// logEvents drains a producer's event channel (errors, stats) to stderr.
func logEvents(events chan kafka.Event) {
	for e := range events {
		fmt.Fprintf(os.Stderr, "producer event: %v\n", e)
	}
}

// errorCode returns the Kafka error code of err, or -1.
func errorCode(err error) int {
	if e, ok := err.(kafka.Error); ok {
		return int(e.Code())
	}
	return -1
}

// readPartition reads one partition from offset `from` (see readAssigned).
func readPartition(partition int32, from kafka.Offset, want int) []*kafka.Message {
	return readAssigned([]kafka.TopicPartition{{Topic: &topic, Partition: partition, Offset: from}}, want, nil)
}

// readAssigned consumes the given partitions from their offsets until want
// records have arrived, then fails if any further record arrives within
// compat.QuietWait. Records of one partition keep their order.
func readAssigned(partitions []kafka.TopicPartition, want int, extra kafka.ConfigMap) []*kafka.Message {
	c, err := kafka.NewConsumer(readerConfig(extra))
	compat.Must(err, "create the consumer")
	defer c.Close()
	compat.Must(c.Assign(partitions), "assign partitions")
	return collect(c, want)
}

// collect polls c for want records, then for compat.QuietWait more.
func collect(c *kafka.Consumer, want int) []*kafka.Message {
	var got []*kafka.Message
	var lastErr error
	deadline := time.Now().Add(compat.ReadDeadline)
	for len(got) < want {
		if time.Now().After(deadline) {
			compat.Fail("read %d of %d records within %v (last error: %v)", len(got), want, compat.ReadDeadline, lastErr)
		}
		if m := poll(c, &lastErr); m != nil {
			got = append(got, m)
		}
	}
	for quiet := time.Now().Add(compat.QuietWait); time.Now().Before(quiet); {
		if m := poll(c, &lastErr); m != nil {
			compat.Fail("record beyond the expected %d: %v key %q", want, m, m.Key)
		}
	}
	return got
}

// poll returns the next record, or nil after pollTimeout or an error, which
// it logs and keeps in lastErr: librdkafka reports transient errors that it
// recovers from itself, so only the deadline decides.
func poll(c *kafka.Consumer, lastErr *error) *kafka.Message {
	m, err := c.ReadMessage(pollTimeout)
	if err == nil {
		return m
	}
	if e, ok := err.(kafka.Error); !ok || e.Code() != kafka.ErrTimedOut {
		fmt.Fprintf(os.Stderr, "consumer error: %v\n", err)
		*lastErr = err
	}
	return nil
}
