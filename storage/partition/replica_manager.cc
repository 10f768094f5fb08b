#include "storage/partition/replica_manager.h"

namespace sluice::storage {

using protocol::ErrorCode;
using protocol::Result;
using protocol::Status;

Result<std::shared_ptr<Partition>> ReplicaManager::become_leader(const TopicPartition& tp,
                                                                 const protocol::Uuid& topic_id,
                                                                 std::int32_t leader_epoch,
                                                                 std::shared_ptr<const LogConfig> config) {
  std::shared_ptr<Partition> partition = get_partition(tp);
  if (!partition) {
    auto log = logs_.get_or_create_log(tp, topic_id, config);
    if (!log) return log.status();
    partition = std::make_shared<Partition>(tp, topic_id, *log, leader_epoch);
    std::unique_lock lock(mutex_);
    partitions_[tp] = partition;
  } else {
    partition->log()->update_config(std::move(config));
  }
  if (Status s = partition->make_leader(leader_epoch); !s.ok()) return s;
  return partition;
}

Status ReplicaManager::remove_partition(const TopicPartition& tp, bool delete_log) {
  {
    std::unique_lock lock(mutex_);
    partitions_.erase(tp);
  }
  if (delete_log) return logs_.async_delete(tp);
  return {};
}

void ReplicaManager::update_topic_config(const std::string& topic, std::shared_ptr<const LogConfig> config) {
  std::shared_lock lock(mutex_);
  for (auto it = partitions_.lower_bound(TopicPartition{topic, 0}); it != partitions_.end() && it->first.topic == topic;
       ++it) {
    it->second->log()->update_config(config);
  }
}

std::shared_ptr<Partition> ReplicaManager::get_partition(const TopicPartition& tp) const {
  std::shared_lock lock(mutex_);
  auto it = partitions_.find(tp);
  return it == partitions_.end() ? nullptr : it->second;
}

Result<std::shared_ptr<Partition>> ReplicaManager::partition_or_error(const TopicPartition& tp) const {
  if (auto p = get_partition(tp)) return p;
  return {ErrorCode::UNKNOWN_TOPIC_OR_PARTITION, "This server does not host " + tp.to_string()};
}

std::vector<std::shared_ptr<Partition>> ReplicaManager::all_partitions() const {
  std::shared_lock lock(mutex_);
  std::vector<std::shared_ptr<Partition>> out;
  for (const auto& [tp, p] : partitions_) out.push_back(p);
  return out;
}

Result<LogAppendInfo> ReplicaManager::append(const TopicPartition& tp, std::span<std::uint8_t> records,
                                             AppendOrigin origin, std::vector<RecordError>& record_errors) {
  auto partition = partition_or_error(tp);
  if (!partition) return partition.status();
  auto info = (*partition)->append_records_to_leader(records, origin, record_errors);
  if (info && info->record_count > 0) notify(tp);
  return info;
}

void ReplicaManager::add_listener(Listener listener) {
  std::unique_lock lock(mutex_);
  listeners_.push_back(std::move(listener));
}

void ReplicaManager::notify(const TopicPartition& tp) const {
  std::shared_lock lock(mutex_);
  for (const Listener& l : listeners_) l(tp);
}

}  // namespace sluice::storage
