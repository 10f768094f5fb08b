package main

// Scenarios 10-13 of compat/SCENARIOS.md: where a consumer starts, and keys.

import (
	"fmt"
	"strconv"

	"github.com/confluentinc/confluent-kafka-go/kafka"

	"sluice/compat"
)

func consumeFromBeginning() {
	sent := compat.Keyed(50, "k", "v")
	produce(nil, toMessages(sent))
	m := joinGroup("reader", newSink())
	defer m.close()
	got := m.out.collect(len(sent))
	compat.ExpectRecords(toRecords(got), sent)
	expectOffsets(got, 0)
}

func consumeFromEnd() {
	produce(nil, toMessages(compat.Keyed(20, "old", "v")))
	// confluent-kafka-go 0.11.6 has no Position(), so a group consumer with
	// auto.offset.reset=latest cannot tell when it has its position; the
	// consumer assigns itself at the end offset instead (ListOffsets latest).
	end := endOffset(0)
	compat.Check(end == 20, "expected the end offset 20, got %d", end)
	sent := compat.Keyed(5, "new", "v")
	produce(nil, toMessages(sent))
	got := readPartition(0, kafka.Offset(end), len(sent))
	compat.ExpectRecords(toRecords(got), sent)
	expectOffsets(got, 20)
}

// endOffset returns the partition's high watermark.
func endOffset(partition int32) int64 {
	c, err := kafka.NewConsumer(readerConfig(nil))
	compat.Must(err, "create the consumer")
	defer c.Close()
	_, high, err := c.QueryWatermarkOffsets(topic, partition, timeoutMs)
	compat.Must(err, "query the watermarks")
	return high
}

func consumeFromTimestamp() {
	sent := compat.Keyed(30, "k", "v")
	produce(nil, withTimestamps(toMessages(sent)))
	c, err := kafka.NewConsumer(readerConfig(nil))
	compat.Must(err, "create the consumer")
	defer c.Close()
	for _, lookup := range []struct {
		timestamp, offset int64
	}{
		{compat.BaseTimestamp + 10000, 10},
		{compat.BaseTimestamp + 10500, 11},
		// After the last record there is no offset: ListOffsets answers -1.
		{compat.BaseTimestamp + 30000, -1},
	} {
		query := []kafka.TopicPartition{{Topic: &topic, Partition: 0, Offset: kafka.Offset(lookup.timestamp)}}
		found, err := c.OffsetsForTimes(query, timeoutMs)
		compat.Must(err, fmt.Sprintf("look up the offset for time %d", lookup.timestamp))
		compat.Check(len(found) == 1 && found[0].Error == nil, "time %d: lookup failed: %v", lookup.timestamp, found)
		compat.Check(int64(found[0].Offset) == lookup.offset, "time %d: expected offset %d, got %d",
			lookup.timestamp, lookup.offset, found[0].Offset)
	}
	compat.Must(c.Assign([]kafka.TopicPartition{{Topic: &topic, Partition: 0, Offset: 10}}), "assign at offset 10")
	got := collect(c, 20)
	compat.ExpectRecords(toRecords(got), sent[10:])
	expectOffsets(got, 10)
}

func keyOrdering() {
	const keys, perKey = 5, 40
	msgs := make([]*kafka.Message, keys*perKey)
	for i := range msgs {
		msgs[i] = &kafka.Message{
			Key:            []byte(fmt.Sprintf("key%d", i%keys)),
			Value:          []byte(strconv.Itoa(i / keys)),
			TopicPartition: kafka.TopicPartition{Partition: kafka.PartitionAny},
		}
	}
	produce(nil, msgs)
	var partitions []kafka.TopicPartition
	for p := int32(0); p < 4; p++ {
		partitions = append(partitions, kafka.TopicPartition{Topic: &topic, Partition: p, Offset: kafka.OffsetBeginning})
	}
	got := readAssigned(partitions, len(msgs), nil)
	partitionOf := map[string]int32{}
	next := map[string]int{}
	for _, m := range got {
		key, partition := string(m.Key), m.TopicPartition.Partition
		if p, seen := partitionOf[key]; seen {
			compat.Check(p == partition, "key %s is in partitions %d and %d", key, p, partition)
		}
		partitionOf[key] = partition
		compat.Check(string(m.Value) == strconv.Itoa(next[key]), "key %s: expected value %d, got %q", key, next[key], m.Value)
		next[key]++
	}
	compat.Check(len(next) == keys, "expected %d keys, got %d", keys, len(next))
}
