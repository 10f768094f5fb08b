package main

// Scenarios 10-13 of compat/SCENARIOS.md: where a consumer starts, and keys.

import (
	"fmt"
	"strconv"

	"github.com/segmentio/kafka-go"

	"sluice/compat"
)

func consumeFromBeginning() {
	sent := compat.Keyed(50, "k", "v")
	produce(nil, toMessages(sent))
	// A group Reader without a committed offset starts at the first offset:
	// kafka-go 0.2.1's only reset policy, the same as earliest.
	out := newSink()
	m := joinGroup("reader", out)
	defer m.close()
	got := collect(out.records, out.errs, len(sent))
	expectRecords(got, sent)
	expectOffsets(got, 0)
}

func consumeFromEnd() {
	produce(nil, toMessages(compat.Keyed(20, "old", "v")))
	// kafka-go's group Reader has no latest reset policy, so the consumer
	// assigns itself at the end offset (ListOffsets latest).
	conn := dialLeader(0)
	end, err := conn.ReadLastOffset()
	conn.Close()
	compat.Must(err, "read the end offset")
	compat.Check(end == 20, "expected the end offset 20, got %d", end)
	sent := compat.Keyed(5, "new", "v")
	produce(nil, toMessages(sent))
	got := readPartition(0, end, len(sent))
	expectRecords(got, sent)
	expectOffsets(got, 20)
}

func consumeFromTimestamp() {
	sent := compat.Keyed(30, "k", "v")
	produce(nil, timestamped(sent))
	conn := dialLeader(0)
	defer conn.Close()
	for _, lookup := range []struct {
		timestamp, offset int64
	}{
		{compat.BaseTimestamp + 10000, 10},
		{compat.BaseTimestamp + 10500, 11},
		// After the last record there is no offset: ListOffsets answers -1.
		{compat.BaseTimestamp + 30000, -1},
	} {
		offset, err := conn.ReadOffset(timeOf(lookup.timestamp))
		compat.Must(err, fmt.Sprintf("look up the offset for time %d", lookup.timestamp))
		compat.Check(offset == lookup.offset, "time %d: expected offset %d, got %d", lookup.timestamp, lookup.offset, offset)
	}
	got := readPartition(0, 10, 20)
	expectRecords(got, sent[10:])
	expectOffsets(got, 10)
}

func keyOrdering() {
	const keys, perKey = 5, 40
	msgs := make([]kafka.Message, keys*perKey)
	for i := range msgs {
		msgs[i] = kafka.Message{Key: []byte(fmt.Sprintf("key%d", i%keys)), Value: []byte(strconv.Itoa(i / keys))}
	}
	// kafka-go's Writer balances round-robin unless told otherwise; Hash is
	// its key partitioner (FNV-1a, as sarama's).
	produce(func(c *kafka.WriterConfig) { c.Balancer = &kafka.Hash{} }, msgs)
	got := readPartitions(map[int]int64{0: kafka.FirstOffset, 1: kafka.FirstOffset, 2: kafka.FirstOffset, 3: kafka.FirstOffset}, len(msgs))
	partitionOf := map[string]int{}
	next := map[string]int{}
	for _, m := range got {
		key := string(m.Key)
		if p, seen := partitionOf[key]; seen {
			compat.Check(p == m.Partition, "key %s is in partitions %d and %d", key, p, m.Partition)
		}
		partitionOf[key] = m.Partition
		compat.Check(string(m.Value) == strconv.Itoa(next[key]), "key %s: expected value %d, got %q", key, next[key], m.Value)
		next[key]++
	}
	compat.Check(len(next) == keys, "expected %d keys, got %d", keys, len(next))
}
