package main

import (
	"strconv"
	"time"

	"github.com/Shopify/sarama"
	"sluice/compat"
)

func adminTopics() {
	admin := newAdmin()
	defer admin.Close()
	retention := "3600000"
	detail := &sarama.TopicDetail{NumPartitions: 3, ReplicationFactor: 1,
		ConfigEntries: map[string]*string{"retention.ms": &retention}}
	compat.Must(admin.CreateTopic(compat.Topic, detail, false), "create topic")

	err := admin.CreateTopic(compat.Topic, detail, false)
	compat.Check(errorCode(err) == sarama.ErrTopicAlreadyExists, "creating it again: expected TOPIC_ALREADY_EXISTS "+
		"(%d), got %v", compat.TopicAlreadyExists, err)

	topics, err := admin.ListTopics()
	compat.Must(err, "list topics")
	listed, ok := topics[compat.Topic]
	compat.Check(ok, "list topics does not show %s", compat.Topic)
	compat.Check(listed.NumPartitions == 3, "list topics: expected 3 partitions, got %d", listed.NumPartitions)
	// ListTopics also describes every topic's configs and keeps the non-defaults.
	got := listed.ConfigEntries["retention.ms"]
	compat.Check(got != nil && *got == retention, "list topics: expected retention.ms=%s among the non-default "+
		"configs, got %v", retention, showConfig(got))

	compat.Must(admin.DeleteTopic(compat.Topic), "delete topic")
	waitFor("metadata no longer lists the deleted topic", 10*time.Second, func() bool {
		topics, err := admin.ListTopics()
		compat.Must(err, "list topics after delete")
		_, still := topics[compat.Topic]
		return !still
	})
}

func adminPartitions() {
	admin := newAdmin()
	defer admin.Close()
	compat.Must(admin.CreatePartitions(compat.Topic, 3, nil, false), "grow to 3 partitions")
	waitFor("metadata shows 3 partitions", readDeadline, func() bool { return partitionCount(admin) == 3 })

	err := admin.CreatePartitions(compat.Topic, 2, nil, false)
	compat.Check(errorCode(err) == sarama.ErrInvalidPartitions, "shrinking to 2: expected INVALID_PARTITIONS (%d), "+
		"got %v", compat.InvalidPartitions, err)

	cfg := newConfig()
	cfg.Producer.Partitioner = sarama.NewManualPartitioner
	msg := &sarama.ProducerMessage{Topic: compat.Topic, Partition: 2, Key: sarama.StringEncoder("k2"),
		Value: sarama.StringEncoder("v2")}
	mustProduce(cfg, []*sarama.ProducerMessage{msg})
	got := readPartitions(newConfig(), compat.Topic, []int32{2}, sarama.OffsetOldest, 1)
	compat.ExpectRecords(records(got), []compat.Record{{Key: []byte("k2"), Value: []byte("v2")}})
}

func partitionCount(admin sarama.ClusterAdmin) int {
	meta, err := admin.DescribeTopics([]string{compat.Topic})
	compat.Must(err, "describe topic")
	compat.Check(len(meta) == 1, "describe topic: expected 1 topic, got %d", len(meta))
	compat.Check(meta[0].Err == sarama.ErrNoError, "describe topic: %v", meta[0].Err)
	return len(meta[0].Partitions)
}

// adminConfigs uses AlterConfigs: sarama 1.22 has no IncrementalAlterConfigs.
func adminConfigs() {
	admin := newAdmin()
	defer admin.Close()
	topic := sarama.ConfigResource{Type: sarama.TopicResource, Name: compat.Topic}
	expectConfig(admin, topic, "retention.ms", "604800000", true)

	value := "12345"
	compat.Must(admin.AlterConfig(sarama.TopicResource, compat.Topic, map[string]*string{"retention.ms": &value},
		false), "alter retention.ms")
	expectConfig(admin, topic, "retention.ms", value, false)

	// sarama 1.22's BrokerResource is 5, Kafka's BROKER is 4 (IBM/sarama#1571,
	// fixed in 1.26): against Kafka too a sarama 1.22 user names the type
	// explicitly, as here. The constant itself is refused (Kafka: INVALID_REQUEST;
	// sarama 1.22 surfaces only the message).
	_, err := findConfig(admin, sarama.ConfigResource{Type: sarama.BrokerResource, Name: strconv.Itoa(compat.BrokerID)},
		"message.max.bytes")
	compat.Check(err != nil, "describe configs of resource type %d (no such type) was not refused", sarama.BrokerResource)
	broker := sarama.ConfigResource{Type: kafkaBrokerResourceType, Name: strconv.Itoa(compat.BrokerID)}
	entry, err := findConfig(admin, broker, "message.max.bytes")
	compat.Must(err, "describe configs of broker "+broker.Name)
	compat.Check(entry != nil, "broker %d's configs do not list message.max.bytes", compat.BrokerID)
}

// kafkaBrokerResourceType is ConfigResource.Type.BROKER in Kafka (KIP-133).
const kafkaBrokerResourceType = sarama.ConfigResourceType(4)

func expectConfig(admin sarama.ClusterAdmin, resource sarama.ConfigResource, name, value string, isDefault bool) {
	entry, err := findConfig(admin, resource, name)
	compat.Must(err, "describe configs of "+resource.Name)
	compat.Check(entry != nil, "%s's configs do not list %s", resource.Name, name)
	compat.Check(entry.Value == value && entry.Default == isDefault, "%s: expected %s (default %v), got %s "+
		"(default %v)", name, value, isDefault, entry.Value, entry.Default)
}

// findConfig describes resource's configs and returns the entry called name
// (nil when it is not listed).
func findConfig(admin sarama.ClusterAdmin, resource sarama.ConfigResource, name string) (*sarama.ConfigEntry,
	error) {
	entries, err := admin.DescribeConfig(resource)
	if err != nil {
		return nil, err
	}
	for i := range entries {
		if entries[i].Name == name {
			return &entries[i], nil
		}
	}
	return nil, nil
}

// errorCode digs the broker's error code out of sarama's admin error types.
func errorCode(err error) sarama.KError {
	switch e := err.(type) {
	case *sarama.TopicError:
		return e.Err
	case *sarama.TopicPartitionError:
		return e.Err
	case sarama.KError:
		return e
	}
	return sarama.ErrNoError
}

func showConfig(value *string) string {
	if value == nil {
		return "none"
	}
	return strconv.Quote(*value)
}
