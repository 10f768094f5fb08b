package main

// Scenarios 1 and 15-19 of compat/SCENARIOS.md: metadata, topic admin, and
// the features kafka-go 0.2.1 does not have.

import (
	"sort"
	"time"

	"github.com/segmentio/kafka-go"

	"sluice/compat"
)

func metadata() {
	conn := dial()
	defer conn.Close()
	partitions, err := conn.ReadPartitions(compat.Topic)
	compat.Must(err, "read metadata")
	compat.Check(len(partitions) == 3, "expected 3 partitions, got %d", len(partitions))
	sort.Slice(partitions, func(i, j int) bool { return partitions[i].ID < partitions[j].ID })
	// kafka-go 0.2.1 exposes brokers only through the partitions that name
	// them, resolved against the response's broker list.
	port := bootstrapPort()
	for i, p := range partitions {
		compat.Check(p.ID == i, "expected partition %d, got %d", i, p.ID)
		compat.Check(p.Leader.ID == compat.BrokerID && p.Leader.Port == port,
			"partition %d: expected leader %d at port %d, got %+v", i, compat.BrokerID, port, p.Leader)
		expectBrokers(p.Replicas, "partition", i, "replicas")
		expectBrokers(p.Isr, "partition", i, "ISR")
	}
}

func expectBrokers(brokers []kafka.Broker, what string, id int, list string) {
	ok := len(brokers) == 1 && brokers[0].ID == compat.BrokerID
	compat.Check(ok, "%s %d: expected %s [%d], got %+v", what, id, list, compat.BrokerID, brokers)
}

func adminTopics() {
	conn := dial()
	defer conn.Close()
	topic := kafka.TopicConfig{
		Topic:             compat.Topic,
		NumPartitions:     3,
		ReplicationFactor: 1,
		ConfigEntries:     []kafka.ConfigEntry{{ConfigName: "retention.ms", ConfigValue: "3600000"}},
	}
	compat.Must(conn.CreateTopics(topic), "create the topic")
	// kafka-go 0.2.1's CreateTopics turns TOPIC_ALREADY_EXISTS into success
	// by design, so all this client can check is that no other error comes.
	compat.Must(conn.CreateTopics(topic), "create the topic again (TOPIC_ALREADY_EXISTS is reported as success)")
	compat.Check(countPartitions(conn) == 3, "expected the new topic listed with 3 partitions, got %d", countPartitions(conn))
	compat.Must(conn.DeleteTopics(compat.Topic), "delete the topic")
	// Metadata v1 asks about the topic by name (kafka-go 0.2.1 sends an
	// empty list, not null, when asked for all topics, and gets none); the
	// first answer without it settles the check.
	deadline := time.Now().Add(10 * time.Second)
	for n := countPartitions(conn); n != 0; n = countPartitions(conn) {
		compat.Check(time.Now().Before(deadline), "metadata still lists the topic (%d partitions) 10 s after deleting it", n)
		time.Sleep(100 * time.Millisecond)
	}
}

// countPartitions returns how many partitions metadata lists for the topic;
// on a Conn with no topic of its own, a topic error just means none.
func countPartitions(conn *kafka.Conn) int {
	conn.SetDeadline(time.Now().Add(compat.ReadDeadline))
	partitions, err := conn.ReadPartitions(compat.Topic)
	compat.Must(err, "read metadata")
	n := 0
	for _, p := range partitions {
		if p.Topic == compat.Topic {
			n++
		}
	}
	return n
}

func adminPartitions() {
	compat.NA("kafka-go %s has no CreatePartitions", libraryVersion)
}

func adminConfigs() {
	compat.NA("kafka-go %s has no DescribeConfigs or AlterConfigs", libraryVersion)
}

func idempotent() {
	compat.NA("kafka-go %s has no idempotent producer (no producer ids in message format v1)", libraryVersion)
}

func transactions() {
	compat.NA("kafka-go %s has no transactions", libraryVersion)
}
