// Kafka's ReplicaManager: the partitions this broker hosts, as the metadata
// says. Handlers and coordinators reach partition logs only through it (the
// same log API for everyone), and it tells listeners when a partition's
// high watermark moves so waiting fetches can wake up.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <span>
#include <vector>

#include "protocol/result.h"
#include "protocol/uuid.h"
#include "storage/log/log_manager.h"
#include "storage/partition/partition.h"

namespace sluice::storage {

class ReplicaManager {
 public:
  using Listener = std::function<void(const TopicPartition&)>;

  explicit ReplicaManager(LogManager& logs) : logs_(logs) {}

  // Hosts `tp` as leader in `epoch`, creating its log if needed; updates the
  // epoch and config of a partition already hosted. Blocks on the disk.
  protocol::Result<std::shared_ptr<Partition>> become_leader(const TopicPartition& tp, const protocol::Uuid& topic_id,
                                                             std::int32_t leader_epoch,
                                                             std::shared_ptr<const LogConfig> config);
  // Stops hosting `tp`; with `delete_log` its files go too.
  protocol::Status remove_partition(const TopicPartition& tp, bool delete_log);
  // Applies a topic's new config to its partition logs.
  void update_topic_config(const std::string& topic, std::shared_ptr<const LogConfig> config);

  std::shared_ptr<Partition> get_partition(const TopicPartition& tp) const;
  // UNKNOWN_TOPIC_OR_PARTITION when not hosted here.
  protocol::Result<std::shared_ptr<Partition>> partition_or_error(const TopicPartition& tp) const;
  std::vector<std::shared_ptr<Partition>> all_partitions() const;

  // Appends to a hosted partition and notifies listeners.
  protocol::Result<LogAppendInfo> append(const TopicPartition& tp, std::span<std::uint8_t> records, AppendOrigin origin,
                                         std::vector<RecordError>& record_errors);

  // Called after every append that moved a high watermark (on the appending
  // thread: listeners must be quick and thread-safe).
  void add_listener(Listener listener);

  LogManager& log_manager() { return logs_; }

 private:
  void notify(const TopicPartition& tp) const;

  LogManager& logs_;
  mutable std::shared_mutex mutex_;
  std::map<TopicPartition, std::shared_ptr<Partition>> partitions_;
  std::vector<Listener> listeners_;
};

}  // namespace sluice::storage
