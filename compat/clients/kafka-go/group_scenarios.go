package main

// Scenario 14 of compat/SCENARIOS.md: a group rebalancing as members come
// and go.

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/segmentio/kafka-go"

	"sluice/compat"
)

const groupPartitions = 4

func groupRebalance() {
	out := newSink()
	a := joinGroup("A", out)
	defer a.close()
	compat.WaitFor("A is assigned all 4 partitions", func() bool { return len(a.assignment.partitions()) == groupPartitions },
		func() string { return fmt.Sprintf("A holds %v", a.assignment.partitions()) })

	b := joinGroup("B", out)
	defer b.close()
	split := func() string {
		return fmt.Sprintf("A holds %v, B holds %v", a.assignment.partitions(), b.assignment.partitions())
	}
	compat.WaitFor("after B joins, A and B hold 2 partitions each", func() bool { return splitEvenly(a, b) }, split)

	produceToPartitions(0, 10)
	got := collect(out.records, out.errs, groupPartitions*10)
	expectPerPartition(got, 0, 10)

	b.close()
	compat.WaitFor("after B leaves, A holds all 4 partitions", func() bool { return len(a.assignment.partitions()) == groupPartitions },
		func() string { return fmt.Sprintf("A holds %v", a.assignment.partitions()) })
	// A resumes from the committed offsets: nothing old again.
	produceToPartitions(10, 5)
	got = collect(out.records, out.errs, groupPartitions*5)
	expectPerPartition(got, 10, 5)
	a.close()

	expectCommitted(15)
}

// splitEvenly says whether a and b hold 2 partitions each, together all.
func splitEvenly(a, b *member) bool {
	pa, pb := a.assignment.partitions(), b.assignment.partitions()
	held := map[int]bool{}
	for _, p := range append(pa, pb...) {
		held[p] = true
	}
	return len(pa) == 2 && len(pb) == 2 && len(held) == groupPartitions
}

// produceToPartitions writes count records to every partition, keyed
// p<partition>-<first+i>; the balancer routes each by its key's prefix.
func produceToPartitions(first, count int) {
	var msgs []kafka.Message
	for p := 0; p < groupPartitions; p++ {
		for i := first; i < first+count; i++ {
			msgs = append(msgs, kafka.Message{Key: []byte(fmt.Sprintf("p%d-%d", p, i)), Value: []byte(strconv.Itoa(i))})
		}
	}
	byKeyPrefix := kafka.BalancerFunc(func(m kafka.Message, partitions ...int) int {
		p, _ := strconv.Atoi(strings.TrimPrefix(strings.SplitN(string(m.Key), "-", 2)[0], "p"))
		return p
	})
	produce(func(c *kafka.WriterConfig) { c.Balancer = byKeyPrefix }, msgs)
}

// expectPerPartition checks that got is exactly the records at offsets
// first..first+count-1 of every partition, each once.
func expectPerPartition(got []kafka.Message, first, count int) {
	seen := map[string]bool{}
	for _, m := range got {
		where := fmt.Sprintf("partition %d offset %d", m.Partition, m.Offset)
		compat.Check(!seen[where], "%s was consumed twice", where)
		seen[where] = true
		compat.Check(m.Offset >= int64(first) && m.Offset < int64(first+count),
			"%s is outside the expected offsets %d..%d", where, first, first+count-1)
		want := fmt.Sprintf("p%d-%d", m.Partition, m.Offset)
		compat.Check(string(m.Key) == want, "%s: expected key %s, got %q", where, want, m.Key)
	}
}

// expectCommitted checks the group's committed offsets through a new
// member: the offsets kafka-go logs with its assignment are its OffsetFetch
// answer.
func expectCommitted(want int64) {
	c := joinGroup("C", newSink())
	defer c.close()
	compat.WaitFor("a new member is assigned all 4 partitions", func() bool { return len(c.assignment.partitions()) == groupPartitions },
		func() string { return fmt.Sprintf("C holds %v", c.assignment.partitions()) })
	for p, offset := range c.assignment.offsets() {
		compat.Check(offset == want, "partition %d: expected committed offset %d, got %d", p, want, offset)
	}
}
