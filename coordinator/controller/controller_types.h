// Requests to and results from the controller's operations, shaped after
// the Kafka requests the broker forwards (CreateTopics, DeleteTopics,
// CreatePartitions, IncrementalAlterConfigs, AlterConfigs) without tying the
// controller to their wire versions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "coordinator/controller/metadata_record.h"
#include "protocol/result.h"
#include "protocol/uuid.h"
#include "storage/config/config_def.h"

namespace sluice::coordinator {

// Records to write and what to answer (Kafka's ControllerResult).
template <class T>
struct ControllerResult {
  std::vector<VersionedRecord> records;
  T response;
};

// QuorumController.MAX_RECORDS_PER_USER_OP: an operation producing more
// records fails as a whole with POLICY_VIOLATION.
inline constexpr std::size_t kMaxRecordsPerUserOp = 10000;
inline constexpr std::string_view kExcessiveBatchMessage = "Unable to perform excessively large batch operation.";

struct ReplicaAssignment {
  std::int32_t partition_index = 0;
  std::vector<std::int32_t> broker_ids;
};

struct CreatableTopicConfig {
  std::string name;
  std::optional<std::string> value;
};

struct CreatableTopic {
  std::string name;
  std::int32_t num_partitions = -1;      // -1: num.partitions
  std::int16_t replication_factor = -1;  // -1: default.replication.factor
  std::vector<ReplicaAssignment> assignments;
  std::vector<CreatableTopicConfig> configs;
};

// The effective config CreateTopics v5+ returns for a created topic.
struct CreatedTopicConfig {
  std::string name;
  std::optional<std::string> value;  // null when sensitive
  bool read_only = false;
  storage::ConfigSource source = storage::ConfigSource::kDefaultConfig;
  bool sensitive = false;
};

struct CreateTopicResult {
  std::string name;
  protocol::Status status;
  protocol::Uuid topic_id;
  std::int32_t num_partitions = -1;
  std::int16_t replication_factor = -1;
  std::vector<CreatedTopicConfig> configs;  // sorted by name
};

struct DeleteTopicsRequest {
  std::vector<std::string> names;
  std::vector<protocol::Uuid> ids;
};

struct DeleteTopicResult {
  std::optional<std::string> name;
  protocol::Uuid topic_id;
  protocol::Status status;
};

struct CreatePartitionsTopic {
  std::string name;
  std::int32_t count = 0;  // the new total
  // One replica list per new partition, or none to place them.
  std::optional<std::vector<std::vector<std::int32_t>>> assignments;
};

struct CreatePartitionsResult {
  std::string name;
  protocol::Status status;
};

// Numbered as AlterConfigOp.OpType (KIP-339).
enum class AlterConfigOp : std::int8_t { kSet = 0, kDelete = 1, kAppend = 2, kSubtract = 3 };

struct AlterableConfig {
  std::string name;
  AlterConfigOp op = AlterConfigOp::kSet;
  std::optional<std::string> value;
};

struct IncrementalAlterConfigsResource {
  std::int8_t resource_type = 0;  // ConfigResourceType's id
  std::string resource_name;
  std::vector<AlterableConfig> configs;
};

struct LegacyAlterConfigsResource {
  std::int8_t resource_type = 0;
  std::string resource_name;
  std::vector<CreatableTopicConfig> configs;  // the resource's whole new config
};

struct AlterConfigsResult {
  std::int8_t resource_type = 0;
  std::string resource_name;
  protocol::Status status;
};

}  // namespace sluice::coordinator
