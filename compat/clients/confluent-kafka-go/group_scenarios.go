package main

// Scenario 14 of compat/SCENARIOS.md: a group rebalancing as members come
// and go.

import (
	"fmt"
	"strconv"

	"github.com/confluentinc/confluent-kafka-go/kafka"

	"sluice/compat"
)

const groupPartitions = 4

func groupRebalance() {
	out := newSink()
	a := joinGroup("A", out)
	defer a.close()
	compat.WaitFor("A is assigned all 4 partitions", func() bool { return len(a.partitions()) == groupPartitions },
		func() string { return fmt.Sprintf("A holds %v", a.partitions()) })

	b := joinGroup("B", out)
	defer b.close()
	compat.WaitFor("after B joins, A and B hold 2 partitions each", func() bool { return splitEvenly(a, b) },
		func() string { return fmt.Sprintf("A holds %v, B holds %v", a.partitions(), b.partitions()) })

	produceToPartitions(0, 10)
	expectPerPartition(out.collect(groupPartitions*10), 0, 10)

	b.close()
	compat.WaitFor("after B leaves, A holds all 4 partitions", func() bool { return len(a.partitions()) == groupPartitions },
		func() string { return fmt.Sprintf("A holds %v", a.partitions()) })
	// A resumes from the committed offsets: nothing old again.
	produceToPartitions(10, 5)
	expectPerPartition(out.collect(groupPartitions*5), 10, 5)
	a.close()

	expectCommitted(15)
}

// splitEvenly says whether a and b hold 2 partitions each, together all.
func splitEvenly(a, b *member) bool {
	pa, pb := a.partitions(), b.partitions()
	held := map[int32]bool{}
	for _, p := range append(pa, pb...) {
		held[p] = true
	}
	return len(pa) == 2 && len(pb) == 2 && len(held) == groupPartitions
}

// produceToPartitions writes count records to every partition, keyed
// p<partition>-<first+i>, naming the partition explicitly.
func produceToPartitions(first, count int) {
	var msgs []*kafka.Message
	for p := int32(0); p < groupPartitions; p++ {
		for i := first; i < first+count; i++ {
			msgs = append(msgs, &kafka.Message{
				Key:            []byte(fmt.Sprintf("p%d-%d", p, i)),
				Value:          []byte(strconv.Itoa(i)),
				TopicPartition: kafka.TopicPartition{Partition: p},
			})
		}
	}
	produce(nil, msgs)
}

// expectPerPartition checks that got is exactly the records at offsets
// first..first+count-1 of every partition, each once.
func expectPerPartition(got []*kafka.Message, first, count int) {
	seen := map[string]bool{}
	for _, m := range got {
		p, offset := m.TopicPartition.Partition, int64(m.TopicPartition.Offset)
		where := fmt.Sprintf("partition %d offset %d", p, offset)
		compat.Check(!seen[where], "%s was consumed twice", where)
		seen[where] = true
		compat.Check(offset >= int64(first) && offset < int64(first+count),
			"%s is outside the expected offsets %d..%d", where, first, first+count-1)
		want := fmt.Sprintf("p%d-%d", p, offset)
		compat.Check(string(m.Key) == want, "%s: expected key %s, got %q", where, want, m.Key)
	}
}

// expectCommitted reads the group's committed offsets with a consumer that
// is not a member (OffsetFetch).
func expectCommitted(want int64) {
	c, err := kafka.NewConsumer(configWith(kafka.ConfigMap{"group.id": compat.Group, "enable.auto.commit": false}))
	compat.Must(err, "create the consumer")
	defer c.Close()
	var partitions []kafka.TopicPartition
	for p := int32(0); p < groupPartitions; p++ {
		partitions = append(partitions, kafka.TopicPartition{Topic: &topic, Partition: p})
	}
	committed, err := c.Committed(partitions, timeoutMs)
	compat.Must(err, "read the committed offsets")
	for _, tp := range committed {
		compat.Check(tp.Error == nil && int64(tp.Offset) == want, "partition %d: expected committed offset %d, got %v (error %v)",
			tp.Partition, want, tp.Offset, tp.Error)
	}
	compat.Check(len(committed) == groupPartitions, "expected committed offsets for %d partitions, got %v", groupPartitions, committed)
}
