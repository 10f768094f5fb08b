// What the single-node controller needs from the broker's configuration.
// coordinator/ must not depend on server/, so the broker's own config
// definitions reach it as callbacks.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coordinator/controller/metadata_image.h"
#include "protocol/result.h"
#include "protocol/uuid.h"
#include "storage/config/config_def.h"

namespace sluice::coordinator {

struct ControllerConfig {
  std::int32_t node_id = 1;                     // node.id
  std::int32_t num_partitions = 1;              // num.partitions, for CreateTopics with -1
  std::int16_t default_replication_factor = 1;  // default.replication.factor, likewise
  std::vector<BrokerEndpoint> endpoints;        // advertised.listeners, registered at start-up
  std::optional<std::string> rack;              // broker.rack
  std::vector<protocol::Uuid> log_dirs;         // directory.id of each log dir (meta.properties)

  // The broker layers topic configs fall back to (BrokerLogDefaults): keys
  // from server.properties, and the broker keys' own defaults. The dynamic
  // layers come from the metadata image.
  storage::ConfigMap static_broker_config;
  storage::ConfigMap default_broker_config;

  // The definition of a broker key (its type and default, for APPEND and
  // SUBTRACT); nullptr for a key the broker does not define.
  std::function<const storage::ConfigKey*(std::string_view name)> broker_config_key;
  // Validates the whole dynamic config of a BROKER resource ("" for the
  // cluster default, else a node id) as it would be after a change;
  // INVALID_CONFIG with Kafka's message when it is not acceptable. Unset:
  // every value is accepted.
  std::function<protocol::Status(const std::string& resource_name, const storage::ConfigMap& configs)>
      validate_broker_config;
};

}  // namespace sluice::coordinator
