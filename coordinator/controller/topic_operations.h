// Kafka's ReplicationControlManager operations on topics, as records to
// write against a metadata image, with Kafka's validation, error codes and
// messages. Pure functions: the controller writes the records.
#pragma once

#include <vector>

#include "coordinator/controller/controller_config.h"
#include "coordinator/controller/controller_types.h"
#include "coordinator/controller/metadata_image.h"

namespace sluice::coordinator {

// CreateTopics. Per topic: INVALID_REQUEST (a name given twice, "Duplicate
// topic name." -- those results come last, as ControllerApis adds them;
// assignments with a partition count or replication factor set),
// INVALID_TOPIC_EXCEPTION, TOPIC_ALREADY_EXISTS, INVALID_CONFIG,
// INVALID_PARTITIONS, INVALID_REPLICATION_FACTOR, INVALID_REPLICA_ASSIGNMENT.
// Each created topic writes its TopicRecord, ConfigRecords and
// PartitionRecords (in Kafka's order) and reports its id, partition count,
// replication factor and effective configs.
ControllerResult<std::vector<CreateTopicResult>> create_topics(const MetadataImage& image,
                                                               const ControllerConfig& config,
                                                               const std::vector<CreatableTopic>& topics);

// DeleteTopics by name and by id: UNKNOWN_TOPIC_OR_PARTITION for an unknown
// name, UNKNOWN_TOPIC_ID for an unknown id, INVALID_REQUEST for duplicates and
// for a name whose topic was also given by id. A RemoveTopicRecord for each
// topic deleted; its result names the topic and its id.
ControllerResult<std::vector<DeleteTopicResult>> delete_topics(const MetadataImage& image,
                                                               const DeleteTopicsRequest& request);

// CreatePartitions: UNKNOWN_TOPIC_OR_PARTITION, INVALID_PARTITIONS (no
// increase), INVALID_REPLICA_ASSIGNMENT, INVALID_REPLICATION_FACTOR,
// INVALID_REQUEST for a topic given twice. A PartitionRecord per new
// partition, with the topic's replication factor.
ControllerResult<std::vector<CreatePartitionsResult>> create_partitions(
    const MetadataImage& image, const std::vector<CreatePartitionsTopic>& topics);

}  // namespace sluice::coordinator
