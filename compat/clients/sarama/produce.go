package main

import (
	"time"

	"github.com/Shopify/sarama"
	"sluice/compat"
)

// messages turns records into producer messages for topic; a nil key or value
// stays nil so that sarama writes a null, not an empty byte string.
func messages(topic string, records []compat.Record) []*sarama.ProducerMessage {
	out := make([]*sarama.ProducerMessage, len(records))
	for i, r := range records {
		m := &sarama.ProducerMessage{Topic: topic}
		if r.Key != nil {
			m.Key = sarama.ByteEncoder(r.Key)
		}
		if r.Value != nil {
			m.Value = sarama.ByteEncoder(r.Value)
		}
		out[i] = m
	}
	return out
}

// produce sends msgs with a SyncProducer made from cfg and waits for every
// delivery report; the error is sarama.ProducerErrors when some failed.
func produce(cfg *sarama.Config, msgs []*sarama.ProducerMessage) error {
	producer, err := sarama.NewSyncProducer(bootstrap(), cfg)
	compat.Must(err, "create producer")
	defer func() { compat.Must(producer.Close(), "close producer") }()
	return producer.SendMessages(msgs)
}

// mustProduce is produce for scenarios where every delivery must succeed.
func mustProduce(cfg *sarama.Config, msgs []*sarama.ProducerMessage) {
	expectDelivered(produce(cfg, msgs), len(msgs))
}

// expectDelivered fails on produce's error, naming the first failed delivery.
func expectDelivered(err error, sent int) {
	if errs, ok := err.(sarama.ProducerErrors); ok && len(errs) > 0 {
		compat.Fail("produce: %d of %d deliveries failed, first: %v", len(errs), sent, errs[0].Err)
	}
	compat.Must(err, "produce")
}

// firstDeliveryError is the broker's error for the first failed delivery.
func firstDeliveryError(err error) error {
	if errs, ok := err.(sarama.ProducerErrors); ok && len(errs) > 0 {
		return errs[0].Err
	}
	return err
}

// produceRecords sends records to the scenario topic with default settings.
func produceRecords(records []compat.Record) {
	mustProduce(newConfig(), messages(compat.Topic, records))
}

// produceTimed sends k<i>=v<i> with CreateTime BaseTimestamp + i s.
func produceTimed(n int) {
	msgs := messages(compat.Topic, compat.Keyed(n, "k", "v"))
	for i, m := range msgs {
		m.Timestamp = millis(compat.BaseTimestamp + int64(i)*1000)
	}
	mustProduce(newConfig(), msgs)
}

func millis(ms int64) time.Time { return time.Unix(0, ms*int64(time.Millisecond)) }

func toMillis(t time.Time) int64 { return t.UnixNano() / int64(time.Millisecond) }

// produceError returns the broker's error for the only message of a failed
// single-message produce, or nil when it was delivered.
func produceError(cfg *sarama.Config, msg *sarama.ProducerMessage) error {
	return firstDeliveryError(produce(cfg, []*sarama.ProducerMessage{msg}))
}
