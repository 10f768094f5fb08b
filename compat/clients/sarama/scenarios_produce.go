package main

import (
	"bytes"
	"fmt"
	"net"
	"reflect"
	"strings"
	"time"

	"github.com/Shopify/sarama"
	"sluice/compat"
)

func metadata() {
	client := newClient(newConfig())
	defer client.Close()
	brokers := client.Brokers()
	compat.Check(len(brokers) == 1, "expected 1 broker, got %d", len(brokers))
	b := brokers[0]
	compat.Check(b.ID() == compat.BrokerID, "expected broker id %d, got %d", compat.BrokerID, b.ID())
	_, wantPort, _ := net.SplitHostPort(compat.Bootstrap)
	_, gotPort, err := net.SplitHostPort(b.Addr())
	compat.Check(err == nil && gotPort == wantPort, "expected broker port %s, got address %q", wantPort, b.Addr())

	partitions, err := client.Partitions(compat.Topic)
	compat.Must(err, "partitions of "+compat.Topic)
	compat.Check(reflect.DeepEqual(partitions, []int32{0, 1, 2}), "expected partitions [0 1 2], got %v", partitions)
	one := []int32{compat.BrokerID}
	for _, p := range partitions {
		leader, err := client.Leader(compat.Topic, p)
		compat.Must(err, fmt.Sprintf("leader of partition %d", p))
		compat.Check(leader.ID() == compat.BrokerID, "partition %d: expected leader 1, got %d", p, leader.ID())
		replicas, err := client.Replicas(compat.Topic, p)
		compat.Must(err, fmt.Sprintf("replicas of partition %d", p))
		compat.Check(reflect.DeepEqual(replicas, one), "partition %d: expected replicas [1], got %v", p, replicas)
		isr, err := client.InSyncReplicas(compat.Topic, p)
		compat.Must(err, fmt.Sprintf("ISR of partition %d", p))
		compat.Check(reflect.DeepEqual(isr, one), "partition %d: expected ISR [1], got %v", p, isr)
	}
}

func produceWithAcks(acks sarama.RequiredAcks) {
	cfg := newConfig()
	cfg.Producer.RequiredAcks = acks
	want := compat.Keyed(100, "k", "v")
	mustProduce(cfg, messages(compat.Topic, want))
	got := readAll(len(want))
	compat.ExpectRecords(records(got), want)
	expectOffsets(got, 0)
}

func compression(codec sarama.CompressionCodec) {
	cfg := newConfig()
	cfg.Producer.Compression = codec
	cfg.Producer.Flush.Frequency = 10 * time.Millisecond // linger, so records share a batch
	want := compat.Compressible()
	err := produce(cfg, messages(compat.Topic, want))
	if codec == sarama.CompressionZSTD && firstDeliveryError(err) == sarama.ErrUnsupportedCompressionType {
		// Kafka refuses zstd in Produce below v7 (KIP-110); sarama 1.22 still
		// sends v3 whatever Config.Version says, so it cannot produce zstd to
		// any Kafka. The broker refused it as Kafka does: that much is checked.
		compat.NA("sarama 1.22 cannot produce zstd to Kafka >= 2.1: it sends zstd batches in Produce v3, " +
			"refused with UNSUPPORTED_COMPRESSION_TYPE (76) by Kafka and Sluice alike (IBM/sarama#1252, fixed in 1.26)")
	}
	expectDelivered(err, len(want))
	compat.ExpectRecords(records(readAll(len(want))), want)
}

func headers() {
	want := compat.Keyed(10, "k", "v")
	msgs := messages(compat.Topic, want)
	for i, m := range msgs {
		m.Headers = recordHeaders(i)
	}
	mustProduce(newConfig(), msgs)
	got := readAll(len(want))
	compat.ExpectRecords(records(got), want)
	for i, m := range got {
		var gotHeaders []sarama.RecordHeader
		for _, h := range m.Headers {
			gotHeaders = append(gotHeaders, *h)
		}
		compat.Check(sameHeaders(gotHeaders, recordHeaders(i)), "record %d: expected headers %s, got %s", i,
			showHeaders(recordHeaders(i)), showHeaders(gotHeaders))
	}
}

// recordHeaders are record i's headers: a duplicate key and an empty value.
func recordHeaders(i int) []sarama.RecordHeader {
	return []sarama.RecordHeader{
		{Key: []byte("h1"), Value: []byte(fmt.Sprintf("a%d", i))},
		{Key: []byte("h2"), Value: []byte{}},
		{Key: []byte("h1"), Value: []byte(fmt.Sprintf("b%d", i))},
	}
}

// sameHeaders compares in order and keeps a null value apart from an empty one.
func sameHeaders(a, b []sarama.RecordHeader) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i].Key, b[i].Key) || !bytes.Equal(a[i].Value, b[i].Value) ||
			(a[i].Value == nil) != (b[i].Value == nil) {
			return false
		}
	}
	return true
}

func showHeaders(hs []sarama.RecordHeader) string {
	parts := make([]string, len(hs))
	for i, h := range hs {
		value := fmt.Sprintf("%q", h.Value)
		if h.Value == nil {
			value = "null"
		}
		parts[i] = fmt.Sprintf("%s=%s", h.Key, value)
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// timestamps checks CreateTime round trips; sarama 1.22 does not expose the
// timestamp type of a consumed record, so only the value is checked.
func timestamps() {
	produceTimed(10)
	got := readAll(10)
	compat.ExpectRecords(records(got), compat.Keyed(10, "k", "v"))
	for i, m := range got {
		want := compat.BaseTimestamp + int64(i)*1000
		compat.Check(toMillis(m.Timestamp) == want, "record %d: expected timestamp %d, got %d", i, want,
			toMillis(m.Timestamp))
	}
}

func nullKeys() {
	want := compat.Keyed(10, "k", "v")
	for i := range want {
		want[i].Key = nil
	}
	produceRecords(want)
	compat.ExpectRecords(records(readAll(len(want))), want)
}

func emptyValues() {
	want := compat.Keyed(10, "k", "v")
	for i := range want {
		want[i].Value = []byte{}
	}
	produceRecords(want)
	compat.ExpectRecords(records(readAll(len(want))), want)
}

// value1MiB raises sarama's own limits: its producer refuses messages over
// MaxMessageBytes (default 1000000) and its consumer starts with 1 MiB
// fetches.
func value1MiB() {
	cfg := newConfig()
	cfg.Producer.MaxMessageBytes = 4 << 20
	cfg.Consumer.Fetch.Default = 4 << 20
	want := []compat.Record{{Key: []byte("big"), Value: compat.OneMiB()}}
	mustProduce(cfg, messages(compat.Topic, want))
	got := readPartitions(cfg, compat.Topic, []int32{0}, sarama.OffsetOldest, 1)
	compat.ExpectRecords(records(got), want)
}

func oversizedRejected() {
	cfg := newConfig()
	cfg.Producer.MaxMessageBytes = 1 << 20 // above the record, so the broker is the one to refuse it
	big := messages(compat.Topic, []compat.Record{{Key: []byte("big"), Value: bytes.Repeat([]byte("x"), 200000)}})
	err := produceError(cfg, big[0])
	compat.Check(err == sarama.ErrMessageSizeTooLarge, "expected MESSAGE_TOO_LARGE (%d), got %v",
		compat.MessageTooLarge, err)
	want := compat.Keyed(2, "k", "v")[1:]
	produceRecords(want)
	got := readAll(1)
	compat.ExpectRecords(records(got), want)
	expectOffsets(got, 0)
}

// idempotent needs what sarama 1.22 checks for: acks all, one request in
// flight per connection and at least one retry.
func idempotent() {
	cfg := newConfig()
	cfg.Producer.Idempotent = true
	cfg.Producer.RequiredAcks = sarama.WaitForAll
	cfg.Net.MaxOpenRequests = 1
	want := compat.Keyed(500, "k", "v")
	mustProduce(cfg, messages(compat.Topic, want))
	got := readAll(len(want))
	compat.ExpectRecords(records(got), want)
	expectOffsets(got, 0)
}

// transactions: sarama 1.22 can encode the transaction requests but has no
// transactional producer (no transactional id, begin, commit or abort).
func transactions() {
	compat.NA("no transactional producer in sarama 1.22 (only idempotence)")
}

func compactedTombstones() {
	want := []compat.Record{
		{Key: []byte("k1"), Value: []byte("v1")},
		{Key: []byte("k2"), Value: []byte("v2")},
		{Key: []byte("k1"), Value: nil},
	}
	produceRecords(want)
	nullKey := messages(compat.Topic, []compat.Record{{Key: nil, Value: []byte("v")}})
	err := produceError(newConfig(), nullKey[0])
	compat.Check(err == sarama.KError(compat.InvalidRecord), "null key on a compacted topic: expected "+
		"INVALID_RECORD (%d), got %v", compat.InvalidRecord, describeError(err))
	compat.ExpectRecords(records(readAll(len(want))), want)
}

// describeError shows a broker error code that sarama 1.22 has no name for.
func describeError(err error) string {
	if k, ok := err.(sarama.KError); ok {
		return fmt.Sprintf("error code %d (%v)", int16(k), k)
	}
	return fmt.Sprint(err)
}
