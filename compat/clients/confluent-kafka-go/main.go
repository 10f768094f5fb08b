// Command confluent-kafka-go-driver runs the compat/SCENARIOS.md scenarios
// with confluent-kafka-go 0.11.6 (Debian's
// golang-github-confluentinc-confluent-kafka-go-dev) on the system
// librdkafka. The Go API is from 2018 (Producer, Consumer, AdminClient), but
// configuration passes through to librdkafka, so librdkafka features such as
// zstd or enable.idempotence work; features that need Go API methods the
// binding lacks (transactions, incremental AlterConfigs) do not.
package main

import (
	"fmt"

	"github.com/confluentinc/confluent-kafka-go/kafka"

	"sluice/compat"
)

// libraryVersion is set by ./build from the Debian package.
var libraryVersion = "unknown"

func main() {
	_, librdkafka := kafka.LibraryVersion()
	compat.Main(fmt.Sprintf("confluent-kafka-go %s (librdkafka %s)", libraryVersion, librdkafka), map[string]func(){
		"metadata":               metadata,
		"produce_acks_0":         func() { produceWithAcks(0) },
		"produce_acks_1":         func() { produceWithAcks(1) },
		"produce_acks_all":       func() { produceWithAcks(-1) },
		"compression_gzip":       func() { compression("gzip") },
		"compression_snappy":     func() { compression("snappy") },
		"compression_lz4":        func() { compression("lz4") },
		"compression_zstd":       func() { compression("zstd") },
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
