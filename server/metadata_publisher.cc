#include "server/metadata_publisher.h"

#include <spdlog/spdlog.h>

#include "server/config/broker_config.h"

namespace sluice::server {

using coordinator::ConfigResourceType;
using coordinator::MetadataImage;

std::shared_ptr<const storage::LogConfig> MetadataPublisher::log_config(const MetadataImage& image,
                                                                        std::string_view topic) const {
  const auto defaults = config_.broker_log_defaults();
  auto resolved = storage::LogConfig::resolve(image.configs_of(ConfigResourceType::kTopic, topic), *defaults);
  if (resolved) return std::make_shared<const storage::LogConfig>(std::move(resolved).value());
  // The controller validated these; a value this broker cannot read falls
  // back to the broker's defaults rather than taking the topic offline.
  spdlog::warn("config of topic {}: {}", topic, resolved.status().detail);
  auto fallback = storage::LogConfig::resolve({}, *defaults);
  return std::make_shared<const storage::LogConfig>(fallback ? std::move(fallback).value() : storage::LogConfig{});
}

void MetadataPublisher::apply_broker_configs(const MetadataImage& image) {
  auto sync = [&](DynamicLevel level, std::string_view resource) {
    const storage::ConfigMap& wanted = image.configs_of(ConfigResourceType::kBroker, resource);
    const storage::ConfigMap current = config_.dynamic_values(level);
    std::vector<DynamicChange> changes;
    for (const auto& [key, value] : current) {
      if (!wanted.contains(key)) changes.push_back({key, std::nullopt});
    }
    for (const auto& [key, value] : wanted) {
      auto it = current.find(key);
      if (it == current.end() || it->second != value) changes.push_back({key, value});
    }
    if (changes.empty()) return;
    if (auto s = config_.alter(level, changes); !s.ok()) spdlog::warn("dynamic broker config: {}", s.detail);
  };
  sync(DynamicLevel::kClusterDefault, "");
  sync(DynamicLevel::kBroker, std::to_string(node_id_));
}

void MetadataPublisher::publish(const MetadataImage& previous, const MetadataImage& next) {
  const bool broker_configs_changed =
      previous.configs_of(ConfigResourceType::kBroker, "") != next.configs_of(ConfigResourceType::kBroker, "") ||
      previous.configs_of(ConfigResourceType::kBroker, std::to_string(node_id_)) !=
          next.configs_of(ConfigResourceType::kBroker, std::to_string(node_id_));
  if (broker_configs_changed) apply_broker_configs(next);
  remove_deleted_topics(previous, next);
  apply_partitions(previous, next, broker_configs_changed);
}

void MetadataPublisher::notify_leadership(const storage::TopicPartition& tp, std::int32_t leader_epoch) const {
  for (const auto& listener : leadership_listeners_) listener(tp, leader_epoch);
}

void MetadataPublisher::remove_deleted_topics(const MetadataImage& previous, const MetadataImage& next) {
  for (const auto& [id, topic] : previous.topics_by_id) {
    if (next.topic(id)) continue;
    for (const auto& [index, p] : topic->partitions) {
      if (replicas_.get_partition({topic->name, index})) notify_leadership({topic->name, index}, -1);
      if (auto s = replicas_.remove_partition({topic->name, index}, true); !s.ok()) {
        spdlog::error("deleting {}-{}: {}", topic->name, index, s.detail);
      }
    }
  }
}

void MetadataPublisher::apply_partitions(const MetadataImage& previous, const MetadataImage& next,
                                         bool broker_configs_changed) {
  for (const auto& [name, topic] : next.topics_by_name) {
    const coordinator::TopicImage* before = previous.topic(topic->id);
    const bool configs_changed =
        previous.configs_of(ConfigResourceType::kTopic, name) != next.configs_of(ConfigResourceType::kTopic, name);
    if (before == topic.get() && !configs_changed && !broker_configs_changed) continue;  // shared: unchanged
    const auto config = log_config(next, name);
    for (const auto& [index, p] : topic->partitions) {
      const storage::TopicPartition tp{name, index};
      if (p.leader != node_id_) {
        // Replication is a later issue: a partition led elsewhere is not hosted.
        if (replicas_.get_partition(tp)) notify_leadership(tp, -1);
        (void)replicas_.remove_partition(tp, false);
        continue;
      }
      auto existing = replicas_.get_partition(tp);
      if (existing && existing->topic_id() != topic->id) {
        // A topic deleted and recreated while we were away: a new log.
        (void)replicas_.remove_partition(tp, true);
        existing = nullptr;
      }
      if (existing && existing->leader_epoch() == p.leader_epoch) {
        existing->log()->update_config(config);
        continue;
      }
      if (auto r = replicas_.become_leader(tp, topic->id, p.leader_epoch, config); !r) {
        spdlog::error("hosting {}: {}", tp.to_string(), r.status().detail);
        continue;
      }
      notify_leadership(tp, p.leader_epoch);
    }
  }
}

}  // namespace sluice::server
