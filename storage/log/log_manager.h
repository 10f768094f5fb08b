// Kafka's LogManager: every partition log on this broker's log dirs. Formats
// a fresh log dir (meta.properties), loads and recovers logs at start-up,
// creates and deletes logs, and runs the background work: retention, flush
// by flush.ms, recovery-point and log-start-offset checkpoints, producer id
// expiry. Shutdown
// flushes and marks the dirs cleanly shut down, so the next start skips
// recovery.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "protocol/result.h"
#include "protocol/uuid.h"
#include "storage/background/scheduler.h"
#include "storage/clock.h"
#include "storage/config/log_config.h"
#include "storage/log/log.h"
#include "storage/topic_partition.h"

namespace sluice::storage {

struct LogManagerConfig {
  std::vector<std::filesystem::path> log_dirs;
  std::int32_t node_id = 1;
  int recovery_threads_per_dir = 1;
  int background_threads = 4;
  std::int64_t retention_check_interval_ms = 300'000;
  std::int64_t flush_check_interval_ms = INT64_MAX;  // log.flush.scheduler.interval.ms
  std::int64_t recovery_point_checkpoint_interval_ms = 60'000;
  std::int64_t log_start_offset_checkpoint_interval_ms = 60'000;
  std::size_t max_decompressed_bytes = 64 << 20;
  // producer.id.expiration.ms and producer.id.expiration.check.interval.ms
  // (KIP-854): idle producers' state is dropped from every log.
  std::int64_t producer_id_expiration_ms = kDefaultProducerIdExpirationMs;
  std::int64_t producer_id_expiration_check_interval_ms = 600'000;
  // log.cleaner.*: compaction of cleanup.policy=compact topics.
  bool cleaner_enable = true;
  int cleaner_threads = 1;
  std::int64_t cleaner_dedupe_buffer_size = 134'217'728;
  std::int64_t cleaner_backoff_ms = 15'000;
};

class LogCleaner;

class LogManager {
  struct Private {
    explicit Private() = default;
  };

 public:
  // Resolves the config of a topic's logs at load time (the metadata layer
  // knows topic overrides).
  using ConfigForTopic = std::function<std::shared_ptr<const LogConfig>(const std::string& topic)>;

  // Formats unformatted dirs (a new cluster id, unless one is found in
  // another dir) and verifies formatted ones. Logs are loaded by
  // load_logs(), once the metadata that names their configs is known.
  static protocol::Result<std::unique_ptr<LogManager>> open(LogManagerConfig config, const Clock& clock);

  // Loads and, after an unclean shutdown, recovers every partition log but
  // those `skip` names (the metadata log, which its owner opens itself).
  protocol::Status load_logs(const ConfigForTopic& config_for_topic, const std::vector<std::string>& skip_topics = {});
  // Opens a log the manager does not track (the metadata log), with the
  // manager's checkpointed recovery point and clean-shutdown state.
  protocol::Result<std::shared_ptr<Log>> open_unmanaged_log(const TopicPartition& tp,
                                                            std::shared_ptr<const LogConfig> config);
  bool had_clean_shutdown() const { return had_clean_shutdown_; }

  LogManager(Private, LogManagerConfig config, const Clock& clock);
  ~LogManager();

  const std::string& cluster_id() const { return cluster_id_; }
  const LogManagerConfig& config() const { return config_; }
  Scheduler& scheduler() { return *scheduler_; }
  const Clock& clock() const { return clock_; }

  std::shared_ptr<Log> get_log(const TopicPartition& tp) const;
  std::vector<std::shared_ptr<Log>> all_logs() const;
  // The log, created empty in the least loaded dir when it does not exist.
  protocol::Result<std::shared_ptr<Log>> get_or_create_log(const TopicPartition& tp, const protocol::Uuid& topic_id,
                                                           std::shared_ptr<const LogConfig> config);
  // Renames the log's dir to "<tp>.<id>-delete" at once (it disappears from
  // every API) and removes its files in the background.
  protocol::Status async_delete(const TopicPartition& tp);
  // Partitions whose directory exists but were loaded at start-up.
  std::vector<TopicPartition> loaded_partitions() const;

  // Starts retention, flush and checkpoint tasks, and the log cleaner.
  void start_background_tasks();
  // Flushes the log up to `offset` on a background thread, then calls done.
  void flush_async(std::shared_ptr<Log> log, std::int64_t offset, std::function<void(protocol::Status)> done);

  // Writes the checkpoints now (blocking).
  protocol::Status checkpoint_recovery_points();
  protocol::Status checkpoint_log_start_offsets();
  // One retention pass over every log (the periodic task; tests call it).
  int run_retention();
  // Flushes logs whose flush.ms has passed.
  void flush_dirty_logs();
  // Drops expired producers from every log (the periodic task; tests call it).
  void remove_expired_producers();

  // Stops background work, flushes and closes every log, writes the
  // checkpoints and the clean-shutdown marker.
  protocol::Status shutdown();

 private:
  protocol::Status format_and_verify();
  LogOpenOptions open_options_for(const TopicPartition& tp, const std::filesystem::path& dir) const;
  std::filesystem::path choose_dir() const;
  protocol::Status write_offset_checkpoint(std::string_view file,
                                           const std::function<std::int64_t(const Log&)>& offset_of);

  LogManagerConfig config_;
  const Clock& clock_;
  std::unique_ptr<Scheduler> scheduler_;
  std::string cluster_id_;

  mutable std::mutex mutex_;
  std::map<TopicPartition, std::shared_ptr<Log>> logs_;
  std::map<TopicPartition, std::filesystem::path> log_dir_of_;
  std::vector<std::shared_ptr<Log>> unmanaged_;
  std::unique_ptr<LogCleaner> cleaner_;
  bool shut_down_ = false;
  bool had_clean_shutdown_ = true;
  // Checkpoints read at start-up, per log dir.
  std::map<std::filesystem::path, std::map<TopicPartition, std::int64_t>> recovery_points_;
  std::map<std::filesystem::path, std::map<TopicPartition, std::int64_t>> log_start_offsets_;
};

}  // namespace sluice::storage
