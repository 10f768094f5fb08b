package main

// What every scenario shares: connections, producing through a Writer, and
// reading back through partition Readers with the deadline and quiet wait of
// compat/SCENARIOS.md.

import (
	"context"
	"fmt"
	"log"
	"net"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"

	"sluice/compat"
)

const (
	// 4 MiB covers the 1 MiB record of value_1mib in one fetch.
	fetchMaxBytes = 4 << 20
)

var stderrLog = log.New(os.Stderr, "kafka-go: ", log.Lmicroseconds)

// dial opens a Conn to the bootstrap broker (the only broker), with a
// deadline so a broker that never answers fails the scenario instead of
// hanging it.
func dial() *kafka.Conn {
	conn, err := kafka.Dial("tcp", compat.Bootstrap)
	compat.Must(err, "dial "+compat.Bootstrap)
	conn.SetDeadline(time.Now().Add(compat.ReadDeadline))
	return conn
}

// dialLeader opens a Conn to the leader of the scenario topic's partition.
func dialLeader(partition int) *kafka.Conn {
	ctx, cancel := context.WithTimeout(context.Background(), compat.ReadDeadline)
	defer cancel()
	conn, err := kafka.DialLeader(ctx, "tcp", compat.Bootstrap, compat.Topic, partition)
	compat.Must(err, fmt.Sprintf("dial the leader of partition %d", partition))
	conn.SetDeadline(time.Now().Add(compat.ReadDeadline))
	return conn
}

func bootstrapPort() int {
	_, port, err := net.SplitHostPort(compat.Bootstrap)
	compat.Must(err, "parse SLUICE_BOOTSTRAP")
	n, err := strconv.Atoi(port)
	compat.Must(err, "parse SLUICE_BOOTSTRAP port")
	return n
}

func toMessages(records []compat.Record) []kafka.Message {
	out := make([]kafka.Message, len(records))
	for i, r := range records {
		out[i] = kafka.Message{Key: r.Key, Value: r.Value}
	}
	return out
}

// expectRecords compares what was read with what was sent. kafka-go 0.2.1
// decodes both a null and an empty key or value as a nil slice, so it cannot
// tell them apart; the comparison treats them alike, as this client's users
// see them.
func expectRecords(got []kafka.Message, want []compat.Record) {
	gotRecords := make([]compat.Record, len(got))
	for i, m := range got {
		gotRecords[i] = compat.Record{Key: m.Key, Value: m.Value}
	}
	wantRecords := make([]compat.Record, len(want))
	for i, r := range want {
		wantRecords[i] = compat.Record{Key: nilIfEmpty(r.Key), Value: nilIfEmpty(r.Value)}
	}
	compat.ExpectRecords(gotRecords, wantRecords)
}

func nilIfEmpty(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

// expectOffsets fails unless the messages sit at first, first+1, ...
func expectOffsets(got []kafka.Message, first int64) {
	for i, m := range got {
		compat.Check(m.Offset == first+int64(i), "record %d: expected offset %d, got %d", i, first+int64(i), m.Offset)
	}
}

// write sends msgs to the scenario topic with a Writer that lingers 10 ms
// (BatchTimeout) and waits for every batch's acknowledgement.
func write(tune func(*kafka.WriterConfig), msgs []kafka.Message) error {
	config := kafka.WriterConfig{
		Brokers:      []string{compat.Bootstrap},
		Topic:        compat.Topic,
		BatchTimeout: 10 * time.Millisecond,
		RequiredAcks: -1,
		ErrorLogger:  stderrLog,
	}
	if tune != nil {
		tune(&config)
	}
	w := kafka.NewWriter(config)
	defer w.Close()
	ctx, cancel := context.WithTimeout(context.Background(), compat.ReadDeadline)
	defer cancel()
	return w.WriteMessages(ctx, msgs...)
}

// produce is write for records that must be accepted.
func produce(tune func(*kafka.WriterConfig), msgs []kafka.Message) {
	compat.Must(write(tune, msgs), fmt.Sprintf("produce %d records", len(msgs)))
}

// readPartition reads one partition from offset `from` (see readPartitions).
func readPartition(partition int, from int64, want int) []kafka.Message {
	return readPartitions(map[int]int64{partition: from}, want)
}

// readPartitions reads the given partitions, each from its start offset,
// until want records have arrived in all, then fails if any further record
// arrives within compat.QuietWait. Records of one partition keep their order.
func readPartitions(starts map[int]int64, want int) []kafka.Message {
	ctx, cancel := context.WithCancel(context.Background())
	records := make(chan kafka.Message)
	errs := make(chan error, len(starts))
	var readers sync.WaitGroup
	defer func() {
		cancel()
		readers.Wait()
	}()
	for partition, from := range starts {
		r := kafka.NewReader(kafka.ReaderConfig{
			Brokers:         []string{compat.Bootstrap},
			Topic:           compat.Topic,
			Partition:       partition,
			MinBytes:        1,
			MaxBytes:        fetchMaxBytes,
			MaxWait:         250 * time.Millisecond,
			ReadLagInterval: -1,
			ErrorLogger:     stderrLog,
		})
		compat.Must(r.SetOffset(from), "set the reader's offset")
		readers.Add(1)
		go func() {
			defer readers.Done()
			defer r.Close()
			pump(ctx, r, records, errs)
		}()
	}
	return collect(records, errs, want)
}

// pump forwards r's messages to records until ctx ends; an error ends it.
func pump(ctx context.Context, r *kafka.Reader, records chan<- kafka.Message, errs chan<- error) {
	for {
		m, err := r.FetchMessage(ctx)
		if err != nil {
			if ctx.Err() == nil {
				errs <- err
			}
			return
		}
		select {
		case records <- m:
		case <-ctx.Done():
			return
		}
	}
}

// kafkaError returns the Kafka error code carried by err, or -1.
func kafkaError(err error) int {
	if e, ok := err.(kafka.Error); ok {
		return int(e)
	}
	return -1
}

// collect takes want records, then waits compat.QuietWait for a record too many.
func collect(records <-chan kafka.Message, errs <-chan error, want int) []kafka.Message {
	return compat.Collect(records, errs, want, func(m kafka.Message) string {
		return fmt.Sprintf("partition %d offset %d key %q", m.Partition, m.Offset, m.Key)
	})
}
