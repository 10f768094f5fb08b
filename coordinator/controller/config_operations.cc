#include "coordinator/controller/config_operations.h"

#include <algorithm>
#include <set>

#include "coordinator/controller/topic_validation.h"

namespace sluice::coordinator {

using protocol::ErrorCode;
using protocol::Result;
using protocol::Status;

namespace {

// A key's new value, or nullopt to delete it.
using ConfigChanges = std::map<std::string, std::optional<std::string>, std::less<>>;

// Integer.parseInt: an optional sign and decimal digits within int32.
std::optional<std::int32_t> parse_java_int(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (i == s.size()) return std::nullopt;
  std::int64_t value = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    value = value * 10 + (s[i] - '0');
    if (value > static_cast<std::int64_t>(INT32_MAX) + 1) return std::nullopt;
  }
  if (s[0] == '-') value = -value;
  if (value > INT32_MAX || value < INT32_MIN) return std::nullopt;
  return static_cast<std::int32_t>(value);
}

// Java's String.split(","): trailing empty strings are dropped, but a string
// without a comma is itself the only element (so "" gives [""]).
std::vector<std::string> java_split_commas(std::string_view s) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = s.find(',', start);
    parts.emplace_back(s.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (parts.size() > 1) {
    while (!parts.empty() && parts.back().empty()) parts.pop_back();
  }
  return parts;
}

std::string join_commas(const std::vector<std::string>& parts) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += ',';
    out += parts[i];
  }
  return out;
}

// The key's definition for its resource type (KafkaConfigSchema), if any.
const storage::ConfigKey* config_key(const ControllerConfig& config, ConfigResourceType type, std::string_view name) {
  switch (type) {
    case ConfigResourceType::kTopic:
      return storage::log_config_def().find(name);
    case ConfigResourceType::kBroker:
      return config.broker_config_key ? config.broker_config_key(name) : nullptr;
    default:
      return nullptr;
  }
}

// ConfigurationControlManager.getParts: the current list, or the key's
// default when unset, without empty elements.
std::vector<std::string> list_parts(const std::optional<std::string>& value, const storage::ConfigKey& key) {
  std::vector<std::string> parts;
  const std::optional<std::string>& text = value ? value : key.default_value;
  if (!text) return parts;
  for (std::string& part : java_split_commas(*text)) {
    if (!part.empty()) parts.push_back(std::move(part));
  }
  return parts;
}

// ControllerConfigurationValidator.validate on the resource's whole config.
Status validate_configs(const MetadataImage& image, const ControllerConfig& config, const ConfigResource& resource,
                        const storage::ConfigMap& all) {
  switch (resource.type) {
    case ConfigResourceType::kTopic: {
      if (resource.name.empty()) return Status{ErrorCode::INVALID_REQUEST, "Default topic resources are not allowed."};
      if (auto reason = invalid_topic_name_reason(resource.name)) {
        return Status{ErrorCode::INVALID_TOPIC_EXCEPTION, std::move(*reason)};
      }
      auto resolved = storage::LogConfig::resolve(all, broker_log_defaults(image, config));
      return resolved.ok() ? Status{} : resolved.status();
    }
    case ConfigResourceType::kBroker:
      if (!resource.name.empty() && !parse_java_int(resource.name)) {
        return Status{ErrorCode::INVALID_REQUEST, "Unable to parse broker name " + resource.name};
      }
      return config.validate_broker_config ? config.validate_broker_config(resource.name, all) : Status{};
    default:
      return Status{
          ErrorCode::INVALID_REQUEST,
          "Unknown resource type " + std::string(config_resource_type_name(static_cast<std::int8_t>(resource.type)))};
  }
}

// QuorumController's ConfigResourceExistenceChecker.
Status check_exists(const MetadataImage& image, const ControllerConfig& config, const ConfigResource& resource) {
  if (resource.type == ConfigResourceType::kTopic && image.topic(resource.name) == nullptr) {
    return Status{ErrorCode::UNKNOWN_TOPIC_OR_PARTITION, "The topic '" + resource.name + "' does not exist."};
  }
  if (resource.type == ConfigResourceType::kBroker && !resource.name.empty()) {
    const std::int32_t id = *parse_java_int(resource.name);
    if (image.broker(id) == nullptr && id != config.node_id) {
      return Status{ErrorCode::BROKER_ID_NOT_REGISTERED, "No broker with id " + std::to_string(id) + " found."};
    }
  }
  return {};
}

VersionedRecord config_record(const ConfigResource& resource, const std::string& name,
                              const std::optional<std::string>& value) {
  protocol::ConfigRecord r;
  r.resource_type = static_cast<std::int8_t>(resource.type);
  r.resource_name = resource.name;
  r.name = name;
  r.value = value;
  return at_current_version(std::move(r));
}

// ConfigurationControlManager.validateAlterConfig, then the records.
Status validate_and_emit(const MetadataImage& image, const ControllerConfig& config, const ConfigResource& resource,
                         const ConfigChanges& explicit_changes, const std::vector<std::string>& implicit_deletes,
                         bool newly_created, std::vector<VersionedRecord>& records) {
  storage::ConfigMap all = image.configs_of(resource.type, resource.name);
  for (const auto& [key, value] : explicit_changes) {
    if (value) {
      all[key] = *value;
    } else {
      all.erase(key);
    }
  }
  for (const std::string& key : implicit_deletes) all.erase(key);
  if (Status s = validate_configs(image, config, resource, all); !s.ok()) return s;
  if (!newly_created) {
    if (Status s = check_exists(image, config, resource); !s.ok()) return s;
  }
  for (const auto& [key, value] : explicit_changes) records.push_back(config_record(resource, key, value));
  for (const std::string& key : implicit_deletes) records.push_back(config_record(resource, key, std::nullopt));
  return {};
}

std::optional<std::string> current_value(const MetadataImage& image, const ConfigResource& resource,
                                         std::string_view key) {
  const storage::ConfigMap& current = image.configs_of(resource.type, resource.name);
  auto it = current.find(key);
  return it == current.end() ? std::nullopt : std::optional<std::string>(it->second);
}

std::string op_name(AlterConfigOp op) { return op == AlterConfigOp::kAppend ? "APPEND" : "SUBTRACT"; }

}  // namespace

storage::BrokerLogDefaults broker_log_defaults(const MetadataImage& image, const ControllerConfig& config) {
  storage::BrokerLogDefaults defaults;
  defaults.dynamic_broker = image.configs_of(ConfigResourceType::kBroker, std::to_string(config.node_id));
  defaults.dynamic_default = image.configs_of(ConfigResourceType::kBroker, "");
  defaults.static_broker = config.static_broker_config;
  defaults.defaults = config.default_broker_config;
  return defaults;
}

Status alter_config_resource(const MetadataImage& image, const ControllerConfig& config, const ConfigResource& resource,
                             const ConfigOps& ops, bool newly_created, std::vector<VersionedRecord>& records) {
  ConfigChanges changes;
  for (const auto& [key, op_and_value] : ops) {
    const auto& [op, operand] = op_and_value;
    const std::optional<std::string> current = current_value(image, resource, key);
    std::optional<std::string> next = current;
    switch (op) {
      case AlterConfigOp::kSet:
        next = operand;
        break;
      case AlterConfigOp::kDelete:
        next = std::nullopt;
        break;
      case AlterConfigOp::kAppend:
      case AlterConfigOp::kSubtract: {
        const storage::ConfigKey* def = config_key(config, resource.type, key);
        if (def == nullptr || def->type != storage::ConfigType::kList) {
          return Status{ErrorCode::INVALID_CONFIG,
                        "Can't " + op_name(op) + " to key " + key + " because its type is not LIST."};
        }
        std::vector<std::string> parts = list_parts(next, *def);
        for (std::string& value : java_split_commas(operand.value_or(""))) {
          auto found = std::find(parts.begin(), parts.end(), value);
          if (op == AlterConfigOp::kAppend && found == parts.end()) parts.push_back(std::move(value));
          if (op == AlterConfigOp::kSubtract && found != parts.end()) parts.erase(found);
        }
        next = join_commas(parts);
        break;
      }
      default:
        return Status{ErrorCode::INVALID_REQUEST, "Unknown operations type " + std::to_string(static_cast<int>(op))};
    }
    // KAFKA-14136: broker configs are written even when unchanged, so the
    // brokers reload them.
    if (next != current || resource.type == ConfigResourceType::kBroker) changes[key] = std::move(next);
  }
  return validate_and_emit(image, config, resource, changes, {}, newly_created, records);
}

ControllerResult<std::vector<AlterConfigsResult>> incremental_alter_configs(
    const MetadataImage& image, const ControllerConfig& config,
    const std::vector<IncrementalAlterConfigsResource>& resources) {
  ControllerResult<std::vector<AlterConfigsResult>> result;
  for (const IncrementalAlterConfigsResource& r : resources) {
    AlterConfigsResult out{r.resource_type, r.resource_name, {}};
    ConfigOps ops;
    for (const AlterableConfig& c : r.configs) {
      if (!ops.emplace(c.name, std::make_pair(c.op, c.value)).second) {
        out.status = Status{ErrorCode::INVALID_REQUEST, "Error due to duplicate config keys"};
        break;
      }
    }
    if (out.status.ok()) {
      const ConfigResource resource{static_cast<ConfigResourceType>(r.resource_type), r.resource_name};
      out.status = alter_config_resource(image, config, resource, ops, false, result.records);
    }
    result.response.push_back(std::move(out));
  }
  return result;
}

ControllerResult<std::vector<AlterConfigsResult>> legacy_alter_configs(
    const MetadataImage& image, const ControllerConfig& config,
    const std::vector<LegacyAlterConfigsResource>& resources) {
  ControllerResult<std::vector<AlterConfigsResult>> result;
  for (const LegacyAlterConfigsResource& r : resources) {
    const ConfigResource resource{static_cast<ConfigResourceType>(r.resource_type), r.resource_name};
    ConfigChanges changes;
    std::set<std::string, std::less<>> given;
    for (const CreatableTopicConfig& c : r.configs) {
      given.insert(c.name);
      if (c.value != current_value(image, resource, c.name) || resource.type == ConfigResourceType::kBroker) {
        changes[c.name] = c.value;
      } else {
        changes.erase(c.name);  // a later entry for the key restores the current value
      }
    }
    std::vector<std::string> deletes;
    for (const auto& [key, value] : image.configs_of(resource.type, resource.name)) {
      if (!given.contains(key)) deletes.push_back(key);
    }
    AlterConfigsResult out{r.resource_type, r.resource_name, {}};
    out.status = validate_and_emit(image, config, resource, changes, deletes, false, result.records);
    result.response.push_back(std::move(out));
  }
  return result;
}

Result<std::vector<CreatedTopicConfig>> effective_topic_configs(const storage::ConfigMap& overrides,
                                                                const MetadataImage& image,
                                                                const ControllerConfig& config) {
  auto described = storage::describe_topic_config(overrides, broker_log_defaults(image, config));
  if (!described.ok()) return described.status();
  std::vector<CreatedTopicConfig> out;
  out.reserve(described->size());
  for (const storage::DescribedConfig& d : *described) {
    out.push_back({d.name, d.sensitive ? std::nullopt : d.value, d.read_only, d.source, d.sensitive});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

}  // namespace sluice::coordinator
