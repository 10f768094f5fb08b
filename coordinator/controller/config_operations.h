// Kafka's ConfigurationControlManager: the ConfigRecords of an
// IncrementalAlterConfigs (SET/DELETE/APPEND/SUBTRACT, KIP-339) or a legacy
// AlterConfigs (full replacement), after validating the resource's whole
// resulting config: TOPIC resources against the topic config definitions
// (LogConfig), BROKER resources ("" the cluster default, or a node id)
// through the broker's validator.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "coordinator/controller/controller_config.h"
#include "coordinator/controller/controller_types.h"
#include "coordinator/controller/metadata_image.h"
#include "protocol/result.h"
#include "storage/config/log_config.h"

namespace sluice::coordinator {

// The broker layers a topic's configs fall back to: this node's and the
// cluster's dynamic configs from the image, then the static and default
// layers of the broker's configuration.
storage::BrokerLogDefaults broker_log_defaults(const MetadataImage& image, const ControllerConfig& config);

// A key's operation and operand, as one resource's changes are keyed.
using ConfigOps = std::map<std::string, std::pair<AlterConfigOp, std::optional<std::string>>, std::less<>>;

// ConfigurationControlManager.incrementalAlterConfig for one resource:
// appends its ConfigRecords to `records` when the changes are valid. A
// resource being created (a new topic's configs) is not checked to exist.
// Errors: INVALID_CONFIG (APPEND/SUBTRACT on a non-LIST key, a bad value),
// INVALID_REQUEST (unknown resource type, "" topic, unparsable broker id),
// INVALID_TOPIC_EXCEPTION, UNKNOWN_TOPIC_OR_PARTITION, BROKER_ID_NOT_REGISTERED.
protocol::Status alter_config_resource(const MetadataImage& image, const ControllerConfig& config,
                                       const ConfigResource& resource, const ConfigOps& ops, bool newly_created,
                                       std::vector<VersionedRecord>& records);

// IncrementalAlterConfigs: one result per resource, in order; the records
// of every resource that succeeded.
ControllerResult<std::vector<AlterConfigsResult>> incremental_alter_configs(
    const MetadataImage& image, const ControllerConfig& config,
    const std::vector<IncrementalAlterConfigsResource>& resources);

// AlterConfigs: each resource's keys become exactly the ones given (the
// others are deleted).
ControllerResult<std::vector<AlterConfigsResult>> legacy_alter_configs(
    const MetadataImage& image, const ControllerConfig& config,
    const std::vector<LegacyAlterConfigsResource>& resources);

// Every topic key's effective value for a topic with `overrides`, sorted by
// name (ConfigurationControlManager.computeEffectiveTopicConfigs).
protocol::Result<std::vector<CreatedTopicConfig>> effective_topic_configs(const storage::ConfigMap& overrides,
                                                                          const MetadataImage& image,
                                                                          const ControllerConfig& config);

}  // namespace sluice::coordinator
