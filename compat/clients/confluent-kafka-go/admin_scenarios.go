package main

// Scenarios 1 and 15-17 of compat/SCENARIOS.md: metadata and the admin API.

import (
	"context"
	"net"
	"strconv"
	"time"

	"github.com/confluentinc/confluent-kafka-go/kafka"

	"sluice/compat"
)

func newAdmin() *kafka.AdminClient {
	admin, err := kafka.NewAdminClient(configWith(nil))
	compat.Must(err, "create the admin client")
	return admin
}

func adminContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), compat.ReadDeadline)
}

func metadata() {
	admin := newAdmin()
	defer admin.Close()
	md, err := admin.GetMetadata(&topic, false, timeoutMs)
	compat.Must(err, "read metadata")
	_, portText, _ := net.SplitHostPort(compat.Bootstrap)
	port, _ := strconv.Atoi(portText)
	compat.Check(len(md.Brokers) == 1, "expected exactly one broker, got %+v", md.Brokers)
	compat.Check(md.Brokers[0].ID == compat.BrokerID && md.Brokers[0].Port == port,
		"expected broker %d at port %d, got %+v", compat.BrokerID, port, md.Brokers[0])
	t, ok := md.Topics[topic]
	compat.Check(ok && t.Error.Code() == kafka.ErrNoError, "topic %s not listed (%+v)", topic, t)
	compat.Check(len(t.Partitions) == 3, "expected 3 partitions, got %d", len(t.Partitions))
	seen := map[int32]bool{}
	for _, p := range t.Partitions {
		seen[p.ID] = true
		compat.Check(p.Leader == compat.BrokerID, "partition %d: expected leader %d, got %d", p.ID, compat.BrokerID, p.Leader)
		compat.Check(isBroker1(p.Replicas), "partition %d: expected replicas [1], got %v", p.ID, p.Replicas)
		compat.Check(isBroker1(p.Isrs), "partition %d: expected ISR [1], got %v", p.ID, p.Isrs)
	}
	compat.Check(seen[0] && seen[1] && seen[2], "expected partitions 0, 1 and 2, got %+v", t.Partitions)
}

func isBroker1(ids []int32) bool {
	return len(ids) == 1 && ids[0] == compat.BrokerID
}

func adminTopics() {
	admin := newAdmin()
	defer admin.Close()
	spec := []kafka.TopicSpecification{{
		Topic: topic, NumPartitions: 3, ReplicationFactor: 1,
		Config: map[string]string{"retention.ms": "3600000"},
	}}
	ctx, cancel := adminContext()
	defer cancel()
	expectTopicResult(admin.CreateTopics(ctx, spec, kafka.SetAdminOperationTimeout(compat.ReadDeadline)))(kafka.ErrNoError, "create the topic")
	expectTopicResult(admin.CreateTopics(ctx, spec))(kafka.ErrTopicAlreadyExists, "create the topic again")
	compat.Check(listedPartitions(admin) == 3, "expected the topic listed with 3 partitions, got %d", listedPartitions(admin))
	expectTopicResult(admin.DeleteTopics(ctx, []string{topic}, kafka.SetAdminOperationTimeout(compat.ReadDeadline)))(kafka.ErrNoError, "delete the topic")
	deadline := time.Now().Add(10 * time.Second)
	for listedPartitions(admin) >= 0 {
		compat.Check(time.Now().Before(deadline), "metadata still lists the topic 10 s after deleting it")
		time.Sleep(100 * time.Millisecond)
	}
}

// expectTopicResult checks a one-topic admin result against a Kafka error
// code (ErrNoError for success).
func expectTopicResult(results []kafka.TopicResult, err error) func(kafka.ErrorCode, string) {
	return func(want kafka.ErrorCode, what string) {
		compat.Must(err, what)
		compat.Check(len(results) == 1, "%s: expected one result, got %v", what, results)
		got := results[0].Error.Code()
		compat.Check(got == want, "%s: expected %v (%d), got %v", what, want, want, results[0])
	}
}

// listedPartitions returns the topic's partition count in a metadata
// request for all topics, or -1 when it is not listed.
func listedPartitions(admin *kafka.AdminClient) int {
	md, err := admin.GetMetadata(nil, true, timeoutMs)
	compat.Must(err, "list topics")
	t, ok := md.Topics[topic]
	if !ok {
		return -1
	}
	return len(t.Partitions)
}

func adminPartitions() {
	admin := newAdmin()
	defer admin.Close()
	ctx, cancel := adminContext()
	defer cancel()
	grow := func(to int) ([]kafka.TopicResult, error) {
		return admin.CreatePartitions(ctx, []kafka.PartitionsSpecification{{Topic: topic, IncreaseTo: to}},
			kafka.SetAdminOperationTimeout(compat.ReadDeadline))
	}
	expectTopicResult(grow(3))(kafka.ErrNoError, "grow the topic to 3 partitions")
	md, err := admin.GetMetadata(&topic, false, timeoutMs)
	compat.Must(err, "read metadata")
	compat.Check(len(md.Topics[topic].Partitions) == 3, "expected 3 partitions in metadata, got %d", len(md.Topics[topic].Partitions))
	expectTopicResult(grow(2))(kafka.ErrInvalidPartitions, "shrink the topic to 2 partitions")
	sent := []compat.Record{{Key: []byte("k2"), Value: []byte("v2")}}
	msgs := toMessages(sent)
	msgs[0].TopicPartition.Partition = 2
	produce(nil, msgs)
	got := readPartition(2, kafka.OffsetBeginning, 1)
	compat.ExpectRecords(toRecords(got), sent)
}

func adminConfigs() {
	admin := newAdmin()
	defer admin.Close()
	retention := describe(admin, kafka.ResourceTopic, topic)["retention.ms"]
	compat.Check(retention.Value == "604800000" && retention.Source == kafka.ConfigSourceDefault,
		"expected retention.ms 604800000 from the default, got %s (%v)", retention.Value, retention.Source)
	// confluent-kafka-go 0.11.6 has only the classic AlterConfigs, which
	// replaces the topic's whole set of dynamic configs.
	ctx, cancel := adminContext()
	defer cancel()
	results, err := admin.AlterConfigs(ctx, []kafka.ConfigResource{{
		Type: kafka.ResourceTopic, Name: topic,
		Config: []kafka.ConfigEntry{{Name: "retention.ms", Value: "12345", Operation: kafka.AlterOperationSet}},
	}})
	compat.Must(err, "alter retention.ms")
	compat.Check(len(results) == 1 && results[0].Error.Code() == kafka.ErrNoError, "alter retention.ms: %v", results)
	retention = describe(admin, kafka.ResourceTopic, topic)["retention.ms"]
	compat.Check(retention.Value == "12345" && retention.Source != kafka.ConfigSourceDefault,
		"expected retention.ms 12345, not a default, got %s (%v)", retention.Value, retention.Source)
	_, listed := describe(admin, kafka.ResourceBroker, strconv.Itoa(compat.BrokerID))["message.max.bytes"]
	compat.Check(listed, "broker %d's configs do not list message.max.bytes", compat.BrokerID)
}

// describe returns the configs of one resource.
func describe(admin *kafka.AdminClient, kind kafka.ResourceType, name string) map[string]kafka.ConfigEntryResult {
	ctx, cancel := adminContext()
	defer cancel()
	results, err := admin.DescribeConfigs(ctx, []kafka.ConfigResource{{Type: kind, Name: name}})
	compat.Must(err, "describe the configs of "+name)
	compat.Check(len(results) == 1 && results[0].Error.Code() == kafka.ErrNoError, "describe the configs of %s: %v", name, results)
	return results[0].Config
}
