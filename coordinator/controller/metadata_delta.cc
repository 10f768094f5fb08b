#include "coordinator/controller/metadata_delta.h"

#include <algorithm>
#include <string>
#include <utility>

namespace sluice::coordinator {

using protocol::ErrorCode;
using protocol::Result;
using protocol::Status;
using protocol::Uuid;

namespace {

Status corrupt(std::string detail) { return Status{ErrorCode::CORRUPT_MESSAGE, std::move(detail)}; }

std::string describe(const Uuid& topic_id, std::int32_t partition) {
  return topic_id.to_base64() + ":" + std::to_string(partition);
}

// PartitionRecord v0 has no directories: Kafka takes every replica as
// MIGRATING (placed before directories were tracked).
std::vector<Uuid> directories_or_migrating(const std::vector<Uuid>& directories, std::size_t replicas) {
  if (!directories.empty()) return directories;
  return std::vector<Uuid>(replicas, directory_id::kMigrating);
}

// DirectoryId.createDirectoriesFrom: a replica kept keeps its directory, a
// new one is UNASSIGNED.
std::vector<Uuid> directories_for(const PartitionRegistration& old, const std::vector<std::int32_t>& replicas) {
  std::vector<Uuid> out;
  out.reserve(replicas.size());
  for (std::int32_t replica : replicas) {
    Uuid dir = directory_id::kUnassigned;
    for (std::size_t i = 0; i < old.replicas.size() && i < old.directories.size(); ++i) {
      if (old.replicas[i] == replica) dir = old.directories[i];
    }
    out.push_back(dir);
  }
  return out;
}

}  // namespace

MetadataDelta::MetadataDelta(std::shared_ptr<const MetadataImage> base)
    : base_(std::move(base)), next_(std::make_shared<MetadataImage>(*base_)) {}

Status MetadataDelta::replay(const MetadataRecord& record) {
  return std::visit([this](const auto& r) { return replay_record(r); }, record);
}

std::shared_ptr<const MetadataImage> MetadataDelta::apply(std::int64_t offset, std::int32_t epoch) {
  next_->offset = offset;
  next_->epoch = epoch;
  std::shared_ptr<const MetadataImage> image = std::move(next_);
  // Topics now belong to the published image; later changes copy them again.
  next_ = std::make_shared<MetadataImage>(*image);
  owned_topics_.clear();
  base_ = image;
  return image;
}

TopicImage* MetadataDelta::mutable_topic(const Uuid& id) {
  auto it = next_->topics_by_id.find(id);
  if (it == next_->topics_by_id.end()) return nullptr;
  if (!owned_topics_.contains(id)) {
    auto copy = std::make_shared<TopicImage>(*it->second);
    it->second = copy;
    next_->topics_by_name[copy->name] = copy;
    owned_topics_.insert(id);
  }
  // Owned topics are reachable only through next_, so casting away const is safe.
  return const_cast<TopicImage*>(it->second.get());
}

Status MetadataDelta::replay_record(const protocol::TopicRecord& r) {
  if (next_->topics_by_name.contains(r.name)) return corrupt("TopicRecord for existing topic " + r.name);
  if (next_->topics_by_id.contains(r.topic_id)) {
    return corrupt("TopicRecord for " + r.name + " reuses topic ID " + r.topic_id.to_base64());
  }
  auto topic = std::make_shared<TopicImage>();
  topic->name = r.name;
  topic->id = r.topic_id;
  next_->topics_by_id[r.topic_id] = topic;
  next_->topics_by_name[r.name] = topic;
  owned_topics_.insert(r.topic_id);
  return {};
}

Status MetadataDelta::replay_record(const protocol::PartitionRecord& r) {
  TopicImage* topic = mutable_topic(r.topic_id);
  if (topic == nullptr) {
    return corrupt("Tried to create partition " + describe(r.topic_id, r.partition_id) +
                   ", but no topic with that ID was found.");
  }
  if (r.partition_id < 0) return corrupt("PartitionRecord with negative partition id");
  PartitionRegistration p;
  p.replicas = r.replicas;
  p.directories = directories_or_migrating(r.directories, r.replicas.size());
  if (p.directories.size() != p.replicas.size()) {
    return corrupt("PartitionRecord for " + describe(r.topic_id, r.partition_id) +
                   " has a different number of directories than replicas");
  }
  p.isr = r.isr;
  p.removing_replicas = r.removing_replicas;
  p.adding_replicas = r.adding_replicas;
  p.elr = r.eligible_leader_replicas.value_or(std::vector<std::int32_t>{});
  p.last_known_elr = r.last_known_elr.value_or(std::vector<std::int32_t>{});
  p.leader = r.leader;
  p.leader_recovery_state = r.leader_recovery_state;
  p.leader_epoch = r.leader_epoch;
  p.partition_epoch = r.partition_epoch;
  topic->partitions[r.partition_id] = std::move(p);
  return {};
}

// PartitionRegistration.merge.
Status MetadataDelta::replay_record(const protocol::PartitionChangeRecord& r) {
  TopicImage* topic = mutable_topic(r.topic_id);
  if (topic == nullptr) {
    return corrupt("Tried to change partition " + describe(r.topic_id, r.partition_id) +
                   ", but no topic with that ID was found.");
  }
  auto it = topic->partitions.find(r.partition_id);
  if (it == topic->partitions.end()) {
    return corrupt("Tried to change partition " + describe(r.topic_id, r.partition_id) +
                   ", but no partition with that id was found.");
  }
  PartitionRegistration& p = it->second;
  if (r.directories) {
    p.directories = *r.directories;
  } else if (r.replicas) {
    p.directories = directories_for(p, *r.replicas);
  }
  if (r.replicas) p.replicas = *r.replicas;
  if (p.directories.size() != p.replicas.size()) {
    return corrupt("PartitionChangeRecord for " + describe(r.topic_id, r.partition_id) +
                   " leaves a different number of directories than replicas");
  }
  if (r.isr) p.isr = *r.isr;
  if (r.removing_replicas) p.removing_replicas = *r.removing_replicas;
  if (r.adding_replicas) p.adding_replicas = *r.adding_replicas;
  if (r.eligible_leader_replicas) p.elr = *r.eligible_leader_replicas;
  if (r.last_known_elr) p.last_known_elr = *r.last_known_elr;
  if (r.leader != kNoLeaderChange) {
    p.leader = r.leader;
    ++p.leader_epoch;
  }
  if (r.leader_recovery_state != -1) p.leader_recovery_state = r.leader_recovery_state;
  ++p.partition_epoch;
  return {};
}

Status MetadataDelta::replay_record(const protocol::RemoveTopicRecord& r) {
  auto it = next_->topics_by_id.find(r.topic_id);
  if (it == next_->topics_by_id.end()) {
    return corrupt("Can't find topic with ID " + r.topic_id.to_base64() + " to remove.");
  }
  const std::string name = it->second->name;
  next_->topics_by_name.erase(name);
  next_->topics_by_id.erase(it);
  owned_topics_.erase(r.topic_id);
  next_->configs.erase(ConfigResource{ConfigResourceType::kTopic, name});
  return {};
}

Status MetadataDelta::replay_record(const protocol::ConfigRecord& r) {
  ConfigResource resource{static_cast<ConfigResourceType>(r.resource_type), r.resource_name};
  if (!r.value) {
    auto it = next_->configs.find(resource);
    if (it == next_->configs.end()) return {};
    it->second.erase(r.name);
    if (it->second.empty()) next_->configs.erase(it);
    return {};
  }
  next_->configs[resource][r.name] = *r.value;
  return {};
}

Status MetadataDelta::replay_record(const protocol::FeatureLevelRecord& r) {
  if (r.feature_level == 0) {
    next_->features.erase(r.name);
  } else {
    next_->features[r.name] = r.feature_level;
  }
  return {};
}

Status MetadataDelta::replay_record(const protocol::RegisterBrokerRecord& r) {
  BrokerRegistration b;
  b.id = r.broker_id;
  b.epoch = r.broker_epoch;
  b.incarnation_id = r.incarnation_id;
  for (const auto& e : r.end_points) b.endpoints.push_back({e.name, e.host, e.port, e.security_protocol});
  for (const auto& f : r.features) {
    b.supported_features[f.name] = {f.min_supported_version, f.max_supported_version};
  }
  b.rack = r.rack;
  b.fenced = r.fenced;
  b.in_controlled_shutdown = r.in_controlled_shutdown;
  b.is_migrating_zk_broker = r.is_migrating_zk_broker;
  b.directories = r.log_dirs;
  next_->brokers[r.broker_id] = std::move(b);
  return {};
}

Result<BrokerRegistration*> MetadataDelta::broker_at_epoch(std::int32_t id, std::int64_t epoch, const char* what) {
  auto it = next_->brokers.find(id);
  if (it == next_->brokers.end()) {
    return corrupt(std::string("Tried to ") + what + " broker " + std::to_string(id) +
                   ", but that broker was not registered.");
  }
  if (it->second.epoch != epoch) {
    return corrupt(std::string("Tried to ") + what + " broker " + std::to_string(id) + " at epoch " +
                   std::to_string(epoch) + ", but its registration is at epoch " + std::to_string(it->second.epoch));
  }
  return &it->second;
}

Status MetadataDelta::replay_record(const protocol::UnregisterBrokerRecord& r) {
  auto broker = broker_at_epoch(r.broker_id, r.broker_epoch, "unregister");
  if (!broker.ok()) return broker.status();
  next_->brokers.erase(r.broker_id);
  return {};
}

Status MetadataDelta::replay_record(const protocol::FenceBrokerRecord& r) {
  auto broker = broker_at_epoch(r.id, r.epoch, "fence");
  if (!broker.ok()) return broker.status();
  (*broker)->fenced = true;
  return {};
}

Status MetadataDelta::replay_record(const protocol::UnfenceBrokerRecord& r) {
  auto broker = broker_at_epoch(r.id, r.epoch, "unfence");
  if (!broker.ok()) return broker.status();
  (*broker)->fenced = false;
  return {};
}

// BrokerRegistrationFencingChange: -1 unfence, 0 none, 1 fence;
// BrokerRegistrationInControlledShutdownChange: 0 none, 1 entering.
Status MetadataDelta::replay_record(const protocol::BrokerRegistrationChangeRecord& r) {
  if (r.fenced < -1 || r.fenced > 1) return corrupt("Invalid fencing change " + std::to_string(r.fenced));
  if (r.in_controlled_shutdown < 0 || r.in_controlled_shutdown > 1) {
    return corrupt("Invalid controlled shutdown change " + std::to_string(r.in_controlled_shutdown));
  }
  auto broker = broker_at_epoch(r.broker_id, r.broker_epoch, "change");
  if (!broker.ok()) return broker.status();
  if (r.fenced != 0) (*broker)->fenced = r.fenced == 1;
  if (r.in_controlled_shutdown == 1) (*broker)->in_controlled_shutdown = true;
  if (!r.log_dirs.empty()) (*broker)->directories = r.log_dirs;
  return {};
}

Status MetadataDelta::replay_record(const protocol::ZkMigrationStateRecord& r) {
  next_->zk_migration_state = r.zk_migration_state;
  return {};
}

// ProducerIdControlManager.replay: blocks only move forward, so an id is
// never handed out twice.
Status MetadataDelta::replay_record(const protocol::ProducerIdsRecord& r) {
  if (r.next_producer_id <= next_->next_producer_id) {
    return corrupt("Next producer ID " + std::to_string(r.next_producer_id) + " is not above the current one " +
                   std::to_string(next_->next_producer_id));
  }
  next_->next_producer_id = r.next_producer_id;
  return {};
}

}  // namespace sluice::coordinator
