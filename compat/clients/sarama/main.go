// The sarama compat driver: runs one scenario of compat/SCENARIOS.md with
// Shopify/sarama (Debian's golang-github-shopify-sarama-dev) and prints its
// verdict.
package main

import (
	"log"
	"os"
	"time"

	"github.com/Shopify/sarama"
	"sluice/compat"
)

// libraryVersion is set by ./build from the Debian package version.
var libraryVersion = "unknown"

func main() {
	// Client diagnostics go to stderr, which the runner keeps as the log.
	sarama.Logger = log.New(os.Stderr, "[sarama] ", log.Ltime|log.Lmicroseconds)
	compat.Main("sarama "+libraryVersion, map[string]func(){
		"metadata":               metadata,
		"produce_acks_0":         func() { produceWithAcks(sarama.NoResponse) },
		"produce_acks_1":         func() { produceWithAcks(sarama.WaitForLocal) },
		"produce_acks_all":       func() { produceWithAcks(sarama.WaitForAll) },
		"compression_gzip":       func() { compression(sarama.CompressionGZIP) },
		"compression_snappy":     func() { compression(sarama.CompressionSnappy) },
		"compression_lz4":        func() { compression(sarama.CompressionLZ4) },
		"compression_zstd":       func() { compression(sarama.CompressionZSTD) },
		"headers":                headers,
		"timestamps":             timestamps,
		"null_keys":              nullKeys,
		"empty_values":           emptyValues,
		"value_1mib":             value1MiB,
		"oversized_rejected":     oversizedRejected,
		"consume_from_beginning": consumeFromBeginning,
		"consume_from_end":       consumeFromEnd,
		"consume_from_timestamp": consumeFromTimestamp,
		"key_ordering":           keyOrdering,
		"group_rebalance":        groupRebalance,
		"admin_topics":           adminTopics,
		"admin_partitions":       adminPartitions,
		"admin_configs":          adminConfigs,
		"idempotent":             idempotent,
		"transactions":           transactions,
		"compacted_tombstones":   compactedTombstones,
	})
}

// newConfig is the configuration every scenario starts from.
func newConfig() *sarama.Config {
	c := sarama.NewConfig()
	// Sarama picks each request's version from Config.Version alone (1.22 does
	// not negotiate with ApiVersions), so claim the newest Kafka it knows.
	c.Version = sarama.MaxVersion
	c.ClientID = "sluice-compat-sarama"
	// A broker that does not answer should fail the scenario well inside the
	// runner's 60 s, not hang on sarama's 30 s defaults.
	c.Net.DialTimeout = 5 * time.Second
	c.Net.ReadTimeout = 15 * time.Second
	c.Net.WriteTimeout = 5 * time.Second
	c.Producer.Return.Successes = true // a SyncProducer needs both
	c.Producer.Return.Errors = true
	c.Consumer.Return.Errors = true
	c.Consumer.Offsets.Initial = sarama.OffsetOldest
	return c
}

func bootstrap() []string { return []string{compat.Bootstrap} }

func newClient(cfg *sarama.Config) sarama.Client {
	client, err := sarama.NewClient(bootstrap(), cfg)
	compat.Must(err, "connect")
	return client
}

func newAdmin() sarama.ClusterAdmin {
	admin, err := sarama.NewClusterAdmin(bootstrap(), newConfig())
	compat.Must(err, "connect admin")
	return admin
}
