package main

// Scenarios 2-9 and 20 of compat/SCENARIOS.md: producing and reading back.

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/segmentio/kafka-go"

	"sluice/compat"
)

func produceAcks0() {
	// Conn.SetRequiredAcks accepts only 1 and -1, and the Writer always
	// waits for a produce response, which acks=0 never gets.
	compat.NA("kafka-go %s supports only acks 1 and -1 (SetRequiredAcks rejects 0)", libraryVersion)
}

func produceWithAcks(acks int) {
	sent := compat.Keyed(100, "k", "v")
	produce(func(c *kafka.WriterConfig) { c.RequiredAcks = acks }, toMessages(sent))
	got := readPartition(0, kafka.FirstOffset, len(sent))
	expectRecords(got, sent)
	expectOffsets(got, 0)
}

func compression(codec kafka.CompressionCodec) {
	sent := compat.Compressible()
	produce(func(c *kafka.WriterConfig) { c.CompressionCodec = codec }, toMessages(sent))
	got := readPartition(0, kafka.FirstOffset, len(sent))
	expectRecords(got, sent)
	expectOffsets(got, 0)
}

func compressionZstd() {
	compat.NA("kafka-go %s has no zstd codec (message format v1 cannot carry zstd)", libraryVersion)
}

func headers() {
	compat.NA("kafka-go %s writes message format v1, which has no record headers", libraryVersion)
}

func timestamps() {
	sent := compat.Keyed(10, "k", "v")
	produce(nil, timestamped(sent))
	got := readPartition(0, kafka.FirstOffset, len(sent))
	expectRecords(got, sent)
	// kafka-go 0.2.1 does not expose the timestamp type, only the time.
	for i, m := range got {
		want := compat.BaseTimestamp + int64(i)*1000
		compat.Check(m.Time.UnixMilli() == want, "record %d: expected timestamp %d, got %d", i, want, m.Time.UnixMilli())
	}
}

func timeOf(ms int64) time.Time {
	return time.UnixMilli(ms)
}

// timestamped gives record i the explicit CreateTime BaseTimestamp + i s
// (the timestamps and consume_from_timestamp scenarios).
func timestamped(records []compat.Record) []kafka.Message {
	msgs := toMessages(records)
	for i := range msgs {
		msgs[i].Time = timeOf(compat.BaseTimestamp + int64(i)*1000)
	}
	return msgs
}

func nullKeys() {
	sent := make([]compat.Record, 10)
	for i := range sent {
		sent[i] = compat.Record{Key: nil, Value: []byte(fmt.Sprintf("v%d", i))}
	}
	produce(nil, toMessages(sent))
	expectRecords(readPartition(0, kafka.FirstOffset, len(sent)), sent)
}

func emptyValues() {
	sent := make([]compat.Record, 10)
	for i := range sent {
		sent[i] = compat.Record{Key: []byte(fmt.Sprintf("k%d", i)), Value: []byte{}}
	}
	produce(nil, toMessages(sent))
	expectRecords(readPartition(0, kafka.FirstOffset, len(sent)), sent)
}

func value1MiB() {
	value := compat.OneMiB()
	produce(nil, []kafka.Message{{Key: []byte("big"), Value: value}})
	got := readPartition(0, kafka.FirstOffset, 1)
	compat.Check(string(got[0].Key) == "big", "expected key big, got %q", got[0].Key)
	compat.Check(bytes.Equal(got[0].Value, value), "the value differs (%d bytes read, %d sent)", len(got[0].Value), len(value))
}

func oversizedRejected() {
	big := kafka.Message{Key: []byte("big"), Value: []byte(strings.Repeat("x", 200000))}
	// One attempt: the Writer would otherwise retry a record the broker
	// will never take.
	err := write(func(c *kafka.WriterConfig) { c.MaxAttempts = 1 }, []kafka.Message{big})
	compat.Check(err != nil, "the 200,000-byte record was accepted")
	compat.Check(kafkaError(err) == compat.MessageTooLarge, "expected MESSAGE_TOO_LARGE (%d), got %v", compat.MessageTooLarge, err)
	sent := []compat.Record{{Key: []byte("k1"), Value: []byte("v1")}}
	produce(nil, toMessages(sent))
	got := readPartition(0, kafka.FirstOffset, 1)
	expectRecords(got, sent)
	expectOffsets(got, 0)
}

func compactedTombstones() {
	sent := []compat.Record{{Key: []byte("k1"), Value: []byte("v1")}, {Key: []byte("k2"), Value: []byte("v2")}, {Key: []byte("k1"), Value: nil}}
	produce(nil, toMessages(sent))
	// A compacted topic needs a key on every record (KIP-467 names the
	// error INVALID_RECORD).
	err := write(func(c *kafka.WriterConfig) { c.MaxAttempts = 1 }, []kafka.Message{{Key: nil, Value: []byte("keyless")}})
	compat.Check(err != nil, "the record with a null key was accepted")
	compat.Check(kafkaError(err) == compat.InvalidRecord, "expected INVALID_RECORD (%d) for a null key, got %v", compat.InvalidRecord, err)
	got := readPartition(0, kafka.FirstOffset, len(sent))
	expectRecords(got, sent)
	expectOffsets(got, 0)
}
