#include "coordinator/controller/metadata_image.h"

#include "coordinator/controller/metadata_record.h"

namespace sluice::coordinator {

std::string_view config_resource_type_name(std::int8_t type) {
  switch (static_cast<ConfigResourceType>(type)) {
    case ConfigResourceType::kTopic:
      return "TOPIC";
    case ConfigResourceType::kBroker:
      return "BROKER";
    case ConfigResourceType::kBrokerLogger:
      return "BROKER_LOGGER";
    case ConfigResourceType::kClientMetrics:
      return "CLIENT_METRICS";
    case ConfigResourceType::kGroup:
      return "GROUP";
    default:
      return "UNKNOWN";
  }
}

const TopicImage* MetadataImage::topic(std::string_view name) const {
  auto it = topics_by_name.find(name);
  return it == topics_by_name.end() ? nullptr : it->second.get();
}

const TopicImage* MetadataImage::topic(const protocol::Uuid& id) const {
  auto it = topics_by_id.find(id);
  return it == topics_by_id.end() ? nullptr : it->second.get();
}

const BrokerRegistration* MetadataImage::broker(std::int32_t id) const {
  auto it = brokers.find(id);
  return it == brokers.end() ? nullptr : &it->second;
}

const storage::ConfigMap& MetadataImage::configs_of(ConfigResourceType type, std::string_view name) const {
  static const storage::ConfigMap kNone;
  auto it = configs.find(ConfigResource{type, std::string(name)});
  return it == configs.end() ? kNone : it->second;
}

std::int16_t MetadataImage::metadata_version() const {
  auto it = features.find(metadata_version::kFeatureName);
  return it == features.end() ? metadata_version::kMinimumKraft : it->second;
}

bool MetadataImage::same_metadata(const MetadataImage& other) const {
  if (topics_by_id.size() != other.topics_by_id.size() || topics_by_name.size() != other.topics_by_name.size()) {
    return false;
  }
  for (const auto& [id, topic] : topics_by_id) {
    const TopicImage* theirs = other.topic(id);
    if (theirs == nullptr || !(*theirs == *topic)) return false;
  }
  for (const auto& [name, topic] : topics_by_name) {
    const TopicImage* theirs = other.topic(name);
    if (theirs == nullptr || theirs->id != topic->id) return false;
  }
  return brokers == other.brokers && configs == other.configs && features == other.features &&
         zk_migration_state == other.zk_migration_state && next_producer_id == other.next_producer_id;
}

}  // namespace sluice::coordinator
