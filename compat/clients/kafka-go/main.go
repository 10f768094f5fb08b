// Command kafka-go-driver runs the compat/SCENARIOS.md scenarios with
// segmentio/kafka-go 0.2.1 (Debian's golang-github-segmentio-kafka-go-dev).
// That version speaks the pre-0.11 protocol: Produce v2 and Fetch v2 with
// message format v1 (no headers, no zstd), Metadata v1, ListOffsets v1, and
// the classic group APIs; it has no producer ids, so no idempotence or
// transactions, and of the admin APIs only CreateTopics and DeleteTopics.
package main

import (
	"github.com/segmentio/kafka-go/gzip"
	"github.com/segmentio/kafka-go/lz4"
	"github.com/segmentio/kafka-go/snappy"

	"sluice/compat"
)

// libraryVersion is set by ./build from the Debian package.
var libraryVersion = "unknown"

func main() {
	compat.Main("segmentio/kafka-go "+libraryVersion, map[string]func(){
		"metadata":               metadata,
		"produce_acks_0":         produceAcks0,
		"produce_acks_1":         func() { produceWithAcks(1) },
		"produce_acks_all":       func() { produceWithAcks(-1) },
		"compression_gzip":       func() { compression(gzip.NewCompressionCodec()) },
		"compression_snappy":     func() { compression(snappy.NewCompressionCodec()) },
		"compression_lz4":        func() { compression(lz4.NewCompressionCodec()) },
		"compression_zstd":       compressionZstd,
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
