// Kafka's BrokerMetadataPublisher: applies each new metadata image to this
// broker -- dynamic broker configs, topic configs, and the partitions it
// leads (created, given a new epoch, or deleted with their logs).
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "coordinator/controller/metadata_image.h"
#include "storage/config/log_config.h"
#include "storage/partition/replica_manager.h"

namespace sluice::server {

class BrokerConfig;

class MetadataPublisher {
 public:
  // Told when this broker starts leading a partition (with the epoch), or
  // stops (epoch -1): coordinators load and unload their topics' state.
  using LeadershipListener = std::function<void(const storage::TopicPartition&, std::int32_t leader_epoch)>;

  MetadataPublisher(std::int32_t node_id, BrokerConfig& config, storage::ReplicaManager& replicas)
      : node_id_(node_id), config_(config), replicas_(replicas) {}

  // The controller's listener: called on its thread after every change.
  void publish(const coordinator::MetadataImage& previous, const coordinator::MetadataImage& next);

  // The resolved config of a topic's logs in `image`.
  std::shared_ptr<const storage::LogConfig> log_config(const coordinator::MetadataImage& image,
                                                       std::string_view topic) const;
  // Call before the first publish.
  void add_leadership_listener(LeadershipListener listener) { leadership_listeners_.push_back(std::move(listener)); }

  // Applies the image's dynamic BROKER configs to the broker config.
  void apply_broker_configs(const coordinator::MetadataImage& image);

 private:
  void apply_partitions(const coordinator::MetadataImage& previous, const coordinator::MetadataImage& next,
                        bool broker_configs_changed);
  void remove_deleted_topics(const coordinator::MetadataImage& previous, const coordinator::MetadataImage& next);

  void notify_leadership(const storage::TopicPartition& tp, std::int32_t leader_epoch) const;

  const std::int32_t node_id_;
  BrokerConfig& config_;
  storage::ReplicaManager& replicas_;
  std::vector<LeadershipListener> leadership_listeners_;
};

}  // namespace sluice::server
