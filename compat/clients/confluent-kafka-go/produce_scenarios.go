package main

// Scenarios 2-9 and 20 of compat/SCENARIOS.md: producing and reading back.

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/confluentinc/confluent-kafka-go/kafka"

	"sluice/compat"
)

func produceWithAcks(acks int) {
	sent := compat.Keyed(100, "k", "v")
	produce(kafka.ConfigMap{"acks": acks}, toMessages(sent))
	got := readPartition(0, kafka.OffsetBeginning, len(sent))
	compat.ExpectRecords(toRecords(got), sent)
	expectOffsets(got, 0)
}

func compression(codec string) {
	sent := compat.Compressible()
	produce(kafka.ConfigMap{"compression.codec": codec}, toMessages(sent))
	got := readPartition(0, kafka.OffsetBeginning, len(sent))
	compat.ExpectRecords(toRecords(got), sent)
	expectOffsets(got, 0)
}

func headers() {
	sent := compat.Keyed(10, "k", "v")
	msgs := toMessages(sent)
	for i, m := range msgs {
		m.Headers = headersOf(i)
	}
	produce(nil, msgs)
	got := readPartition(0, kafka.OffsetBeginning, len(sent))
	compat.ExpectRecords(toRecords(got), sent)
	for i, m := range got {
		want := headersOf(i)
		compat.Check(len(m.Headers) == len(want), "record %d: expected %d headers, got %v", i, len(want), m.Headers)
		for j, h := range m.Headers {
			sameValue := (h.Value == nil) == (want[j].Value == nil) && bytes.Equal(h.Value, want[j].Value)
			compat.Check(h.Key == want[j].Key && sameValue, "record %d header %d: expected %v, got %v", i, j, want[j], h)
		}
	}
}

// headersOf returns record i's headers: a duplicate key and an empty value.
func headersOf(i int) []kafka.Header {
	return []kafka.Header{
		{Key: "h1", Value: []byte(fmt.Sprintf("a%d", i))},
		{Key: "h2", Value: []byte{}},
		{Key: "h1", Value: []byte(fmt.Sprintf("b%d", i))},
	}
}

func timestamps() {
	sent := compat.Keyed(10, "k", "v")
	produce(nil, withTimestamps(toMessages(sent)))
	got := readPartition(0, kafka.OffsetBeginning, len(sent))
	compat.ExpectRecords(toRecords(got), sent)
	for i, m := range got {
		want := compat.BaseTimestamp + int64(i)*1000
		compat.Check(m.Timestamp.UnixMilli() == want, "record %d: expected timestamp %d, got %d", i, want, m.Timestamp.UnixMilli())
		compat.Check(m.TimestampType == kafka.TimestampCreateTime, "record %d: expected CreateTime, got %v", i, m.TimestampType)
	}
}

// withTimestamps gives message i the CreateTime 1600000000000 + i*1000.
func withTimestamps(msgs []*kafka.Message) []*kafka.Message {
	for i, m := range msgs {
		m.Timestamp = time.UnixMilli(compat.BaseTimestamp + int64(i)*1000)
	}
	return msgs
}

func nullKeys() {
	sent := make([]compat.Record, 10)
	for i := range sent {
		sent[i] = compat.Record{Key: nil, Value: []byte(fmt.Sprintf("v%d", i))}
	}
	produce(nil, toMessages(sent))
	compat.ExpectRecords(toRecords(readPartition(0, kafka.OffsetBeginning, len(sent))), sent)
}

func emptyValues() {
	sent := make([]compat.Record, 10)
	for i := range sent {
		sent[i] = compat.Record{Key: []byte(fmt.Sprintf("k%d", i)), Value: []byte{}}
	}
	produce(nil, toMessages(sent))
	compat.ExpectRecords(toRecords(readPartition(0, kafka.OffsetBeginning, len(sent))), sent)
}

func value1MiB() {
	sent := []compat.Record{{Key: []byte("big"), Value: compat.OneMiB()}}
	// librdkafka's message.max.bytes (default 1000000) caps its requests.
	produce(kafka.ConfigMap{"message.max.bytes": 4 << 20}, toMessages(sent))
	got := readPartition(0, kafka.OffsetBeginning, 1)
	compat.ExpectRecords(toRecords(got), sent)
}

func oversizedRejected() {
	big := toMessages([]compat.Record{{Key: []byte("big"), Value: []byte(strings.Repeat("x", 200000))}})
	report := send(kafka.ConfigMap{"compression.codec": "none"}, big)[0]
	err := report.TopicPartition.Error
	compat.Check(err != nil, "the 200,000-byte record was accepted at offset %v", report.TopicPartition.Offset)
	compat.Check(errorCode(err) == compat.MessageTooLarge, "expected MESSAGE_TOO_LARGE (%d), got %v", compat.MessageTooLarge, err)
	sent := []compat.Record{{Key: []byte("k1"), Value: []byte("v1")}}
	produce(nil, toMessages(sent))
	got := readPartition(0, kafka.OffsetBeginning, 1)
	compat.ExpectRecords(toRecords(got), sent)
	expectOffsets(got, 0)
}

func compactedTombstones() {
	sent := []compat.Record{{Key: []byte("k1"), Value: []byte("v1")}, {Key: []byte("k2"), Value: []byte("v2")}, {Key: []byte("k1"), Value: nil}}
	produce(nil, toMessages(sent))
	// A compacted topic needs a key on every record (KIP-467 names the
	// error INVALID_RECORD).
	report := send(nil, toMessages([]compat.Record{{Key: nil, Value: []byte("keyless")}}))[0]
	err := report.TopicPartition.Error
	compat.Check(err != nil, "the record with a null key was accepted at offset %v", report.TopicPartition.Offset)
	compat.Check(errorCode(err) == compat.InvalidRecord, "expected INVALID_RECORD (%d) for a null key, got %v", compat.InvalidRecord, err)
	got := readPartition(0, kafka.OffsetBeginning, len(sent))
	compat.ExpectRecords(toRecords(got), sent)
	expectOffsets(got, 0)
}

func idempotent() {
	sent := compat.Keyed(500, "k", "v")
	// enable.idempotence is a librdkafka setting: the 2018 Go API predates
	// it, but passes it through.
	produce(kafka.ConfigMap{"enable.idempotence": true}, toMessages(sent))
	got := readPartition(0, kafka.OffsetBeginning, len(sent))
	compat.ExpectRecords(toRecords(got), sent)
	expectOffsets(got, 0)
}

func transactions() {
	compat.NA("confluent-kafka-go %s has no transactional producer API (InitTransactions etc. came in 1.4)", libraryVersion)
}
