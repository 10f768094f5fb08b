// Where new partitions' replicas go: Kafka's replica placer for partitions
// the controller places, and its checks of manual assignments
// (ReplicationControlManager.validateManualPartitionAssignment), with the
// PartitionRecord each partition starts with.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "coordinator/controller/metadata_image.h"
#include "coordinator/controller/metadata_record.h"
#include "protocol/result.h"

namespace sluice::coordinator {

// Replicas for partitions start .. start + count - 1, `replication_factor`
// each, over the registered brokers not in controlled shutdown. Leaders go
// round-robin over the unfenced brokers, followers to the next brokers (the
// unfenced first). INVALID_REPLICATION_FACTOR with StripedReplicaPlacer's
// messages: "Invalid replication factor 0: the replication factor must be
// positive.", "All brokers are currently fenced.", "The target replication
// factor of 3 cannot be reached because only 1 broker(s) are registered."
protocol::Result<std::vector<std::vector<std::int32_t>>> place_replicas(const MetadataImage& image, std::int32_t start,
                                                                        std::int32_t count,
                                                                        std::int32_t replication_factor);

// A manual assignment: not empty, every broker registered, none twice, and
// `replication_factor` replicas when given. INVALID_REPLICA_ASSIGNMENT.
protocol::Status validate_manual_assignment(const MetadataImage& image, const std::vector<std::int32_t>& replicas,
                                            std::optional<std::int32_t> replication_factor);

// The log directory a new replica on `broker_id` is assigned
// (ClusterControlManager.defaultDir): its only directory, MIGRATING if it
// registered none, UNASSIGNED if several or not registered.
protocol::Uuid default_directory(const MetadataImage& image, std::int32_t broker_id);

// The replicas on active brokers: a new partition's ISR.
std::vector<std::int32_t> active_replicas(const MetadataImage& image, const std::vector<std::int32_t>& replicas);

// A new partition (leader the first of `isr`, leader epoch 0, partition
// epoch 0, recovered), at PartitionRecord v1 with its directories.
VersionedRecord new_partition_record(const MetadataImage& image, const protocol::Uuid& topic_id,
                                     std::int32_t partition_id, const std::vector<std::int32_t>& replicas,
                                     const std::vector<std::int32_t>& isr);

}  // namespace sluice::coordinator
