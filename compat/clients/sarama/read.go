package main

import (
	"sync"
	"time"

	"github.com/Shopify/sarama"
	"sluice/compat"
)

const (
	readDeadline = 20 * time.Second       // to reach the expected count
	quietWait    = 500 * time.Millisecond // then nothing more may arrive
)

// collect takes messages from ch until it has want, then waits quietWait and
// fails if any further message arrives. lastErr reports the latest consumer
// error so that a timeout names what went wrong.
func collect(ch <-chan *sarama.ConsumerMessage, want int, lastErr func() error) []*sarama.ConsumerMessage {
	var got []*sarama.ConsumerMessage
	deadline := time.After(readDeadline)
	for len(got) < want {
		select {
		case m := <-ch:
			got = append(got, m)
		case <-deadline:
			compat.Fail("expected %d records within %v, got %d (last consumer error: %v)", want, readDeadline,
				len(got), lastErr())
		}
	}
	select {
	case m := <-ch:
		compat.Fail("expected %d records, got more: partition %d offset %d key %s", want, m.Partition, m.Offset,
			m.Key)
	case <-time.After(quietWait):
	}
	return got
}

// errorLog remembers the latest of the errors a consumer reports.
type errorLog struct {
	mu   sync.Mutex
	last error
}

func (l *errorLog) add(err error) {
	compat.Log("consumer error: %v", err)
	l.mu.Lock()
	l.last = err
	l.mu.Unlock()
}

func (l *errorLog) get() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.last
}

// readPartitions assigns the partitions of topic (no group) starting at
// offset (or sarama.OffsetOldest / OffsetNewest) and collects want messages.
// Each partition's messages keep their order in the result.
func readPartitions(cfg *sarama.Config, topic string, partitions []int32, offset int64,
	want int) []*sarama.ConsumerMessage {
	reader := startReader(cfg, topic, partitions, offset)
	defer reader.close()
	return collect(reader.messages, want, reader.errs.get)
}

// readAll reads the scenario topic's partition 0 from the beginning.
func readAll(want int) []*sarama.ConsumerMessage {
	return readPartitions(newConfig(), compat.Topic, []int32{0}, sarama.OffsetOldest, want)
}

// reader merges the partition consumers of one sarama.Consumer.
type reader struct {
	consumer   sarama.Consumer
	partitions []sarama.PartitionConsumer
	messages   chan *sarama.ConsumerMessage
	done       chan struct{}
	errs       errorLog
	wg         sync.WaitGroup
}

// startReader returns once every partition consumer has resolved its start
// offset, so records produced afterwards are seen even from OffsetNewest.
func startReader(cfg *sarama.Config, topic string, partitions []int32, offset int64) *reader {
	consumer, err := sarama.NewConsumer(bootstrap(), cfg)
	compat.Must(err, "create consumer")
	r := &reader{consumer: consumer, messages: make(chan *sarama.ConsumerMessage), done: make(chan struct{})}
	for _, p := range partitions {
		pc, err := consumer.ConsumePartition(topic, p, offset)
		if err != nil {
			r.close()
			compat.Fail("consume partition %d from %d: %v", p, offset, err)
		}
		r.partitions = append(r.partitions, pc)
		r.wg.Add(2)
		go r.forwardMessages(pc)
		go r.forwardErrors(pc)
	}
	return r
}

// forwardMessages keeps draining after close (discarding) because sarama
// needs the channel drained for the partition consumer to shut down.
func (r *reader) forwardMessages(pc sarama.PartitionConsumer) {
	defer r.wg.Done()
	for m := range pc.Messages() {
		select {
		case r.messages <- m:
		case <-r.done:
		}
	}
}

func (r *reader) forwardErrors(pc sarama.PartitionConsumer) {
	defer r.wg.Done()
	for err := range pc.Errors() {
		r.errs.add(err)
	}
}

func (r *reader) close() {
	close(r.done)
	for _, pc := range r.partitions {
		pc.AsyncClose()
	}
	r.wg.Wait()
	if err := r.consumer.Close(); err != nil {
		compat.Log("closing consumer: %v", err)
	}
}

// records drops everything but key and value, for compat.ExpectRecords.
func records(msgs []*sarama.ConsumerMessage) []compat.Record {
	out := make([]compat.Record, len(msgs))
	for i, m := range msgs {
		out[i] = compat.Record{Key: m.Key, Value: m.Value}
	}
	return out
}

// expectOffsets fails unless msgs sit at consecutive offsets from first.
func expectOffsets(msgs []*sarama.ConsumerMessage, first int64) {
	for i, m := range msgs {
		compat.Check(m.Offset == first+int64(i), "record %d: expected offset %d, got %d", i, first+int64(i), m.Offset)
	}
}
