package main

import (
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/Shopify/sarama"
	"sluice/compat"
)

func consumeFromBeginning() {
	want := compat.Keyed(50, "k", "v")
	produceRecords(want)
	sink := make(chan *sarama.ConsumerMessage, 100)
	m := joinGroup("A", groupConfig(sarama.OffsetOldest), sink)
	defer m.leave()
	got := collect(sink, len(want), m.errs.get)
	compat.ExpectRecords(records(got), want)
	expectOffsets(got, 0)
}

// consumeFromEnd assigns partition 0 at OffsetNewest: sarama resolves it to
// the end offset (ListOffsets latest) before ConsumePartition returns.
func consumeFromEnd() {
	produceRecords(compat.Keyed(20, "old", "v"))
	cfg := newConfig()
	client := newClient(cfg)
	end, err := client.GetOffset(compat.Topic, 0, sarama.OffsetNewest)
	client.Close()
	compat.Must(err, "list offsets (latest)")
	compat.Check(end == 20, "expected end offset 20, got %d", end)

	r := startReader(cfg, compat.Topic, []int32{0}, sarama.OffsetNewest)
	defer r.close()
	want := compat.Keyed(5, "new", "v")
	produceRecords(want)
	got := collect(r.messages, len(want), r.errs.get)
	compat.ExpectRecords(records(got), want)
	expectOffsets(got, 20)
}

func consumeFromTimestamp() {
	produceTimed(30)
	client := newClient(newConfig())
	defer client.Close()
	for _, c := range []struct{ at, want int64 }{
		{compat.BaseTimestamp + 10000, 10},
		{compat.BaseTimestamp + 10500, 11},
		{compat.BaseTimestamp + 30000, -1}, // after the last record (29 s): none
	} {
		offset, err := client.GetOffset(compat.Topic, 0, c.at)
		compat.Must(err, fmt.Sprintf("list offsets for timestamp %d", c.at))
		compat.Check(offset == c.want, "offset for timestamp %d: expected %d, got %d", c.at, c.want, offset)
	}
	got := readPartitions(newConfig(), compat.Topic, []int32{0}, 10, 20)
	compat.ExpectRecords(records(got), compat.Keyed(30, "k", "v")[10:])
	expectOffsets(got, 10)
}

// keyOrdering uses sarama's default partitioner (FNV-1a hash of the key; not
// Java's murmur2, which is fine: only "one key, one partition" matters).
func keyOrdering() {
	const keys, perKey = 5, 40
	var sent []compat.Record
	for i := 0; i < keys*perKey; i++ {
		sent = append(sent, compat.Record{Key: []byte(fmt.Sprintf("key%d", i%keys)), Value: []byte(strconv.Itoa(i / keys))})
	}
	produceRecords(sent)
	got := readPartitions(newConfig(), compat.Topic, []int32{0, 1, 2, 3}, sarama.OffsetOldest, len(sent))
	partitionOf := map[string]int32{}
	next := map[string]int{}
	for _, m := range got {
		key := string(m.Key)
		if p, seen := partitionOf[key]; seen && p != m.Partition {
			compat.Fail("key %s is in partitions %d and %d", key, p, m.Partition)
		}
		partitionOf[key] = m.Partition
		compat.Check(string(m.Value) == strconv.Itoa(next[key]), "key %s: expected value %d, got %q (partition %d "+
			"offset %d)", key, next[key], m.Value, m.Partition, m.Offset)
		next[key]++
	}
	for k := 0; k < keys; k++ {
		key := fmt.Sprintf("key%d", k)
		compat.Check(next[key] == perKey, "key %s: expected %d records, got %d", key, perKey, next[key])
	}
}

// groupRebalance follows SCENARIOS.md steps a to f; produced records name
// their partition explicitly (manual partitioner).
func groupRebalance() {
	all := []int32{0, 1, 2, 3}
	sink := make(chan *sarama.ConsumerMessage, 100)
	cfg := groupConfig(sarama.OffsetOldest)

	a := joinGroup("A", cfg, sink)
	defer a.leave()
	waitFor("A holds all 4 partitions", readDeadline, func() bool { return equal(a.currentClaims(), all) })

	b := joinGroup("B", cfg, sink)
	defer b.leave()
	waitFor("A and B hold 2 partitions each", readDeadline, func() bool {
		ca, cb := a.currentClaims(), b.currentClaims()
		return len(ca) == 2 && len(cb) == 2 && equal(union(ca, cb), all)
	})

	producePerPartition(all, 0, 10)
	expectPerPartition(collect(sink, 40, func() error { return firstError(a.errs.get(), b.errs.get()) }), all, 0, 10)

	b.leave()
	// Within B's session timeout (10 s): only a real LeaveGroup gets A all 4 by then.
	waitFor("A holds all 4 partitions again after B left", 8*time.Second, func() bool {
		return equal(a.currentClaims(), all)
	})

	producePerPartition(all, 10, 5)
	expectPerPartition(collect(sink, 20, a.errs.get), all, 10, 5)
	a.leave()

	admin := newAdmin()
	defer admin.Close()
	committed, err := admin.ListConsumerGroupOffsets(compat.Group, map[string][]int32{compat.Topic: all})
	compat.Must(err, "fetch committed offsets")
	for _, p := range all {
		block := committed.GetBlock(compat.Topic, p)
		compat.Check(block != nil, "no committed offset for partition %d", p)
		compat.Check(block.Err == sarama.ErrNoError, "committed offset of partition %d: %v", p, block.Err)
		compat.Check(block.Offset == 15, "partition %d: expected committed offset 15, got %d", p, block.Offset)
	}
}

// producePerPartition sends perPartition records to each partition, keys
// naming partition and offset: p<p>-<offset>.
func producePerPartition(partitions []int32, firstOffset, perPartition int) {
	cfg := newConfig()
	cfg.Producer.Partitioner = sarama.NewManualPartitioner
	var msgs []*sarama.ProducerMessage
	for _, p := range partitions {
		for i := 0; i < perPartition; i++ {
			msgs = append(msgs, &sarama.ProducerMessage{Topic: compat.Topic, Partition: p,
				Key: sarama.StringEncoder(fmt.Sprintf("p%d-%d", p, firstOffset+i)), Value: sarama.StringEncoder("v")})
		}
	}
	mustProduce(cfg, msgs)
}

// expectPerPartition checks got holds, per partition, exactly the records of
// producePerPartition at offsets first..first+n-1, each once and in order.
func expectPerPartition(got []*sarama.ConsumerMessage, partitions []int32, first, n int) {
	next := map[int32]int{}
	for _, p := range partitions {
		next[p] = first
	}
	for _, m := range got {
		want, ok := next[m.Partition]
		compat.Check(ok, "record from unexpected partition %d", m.Partition)
		compat.Check(m.Offset == int64(want) && string(m.Key) == fmt.Sprintf("p%d-%d", m.Partition, want),
			"partition %d: expected offset %d (key p%d-%d), got offset %d key %s", m.Partition, want, m.Partition,
			want, m.Offset, m.Key)
		next[m.Partition]++
	}
	for _, p := range partitions {
		compat.Check(next[p] == first+n, "partition %d: expected offsets up to %d, got up to %d", p, first+n-1,
			next[p]-1)
	}
}

func equal(a, b []int32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func union(a, b []int32) []int32 {
	seen := map[int32]bool{}
	var out []int32
	for _, p := range append(append([]int32(nil), a...), b...) {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
