#include "storage/log/log_manager.h"

#include <algorithm>
#include <atomic>
#include <thread>

#include "storage/checkpoint/atomic_file.h"
#include "storage/checkpoint/meta_properties.h"
#include "storage/checkpoint/offset_checkpoint_file.h"
#include "storage/checkpoint/partition_metadata_file.h"
#include "storage/cleaner/log_cleaner.h"

namespace sluice::storage {

using protocol::ErrorCode;
using protocol::Result;
using protocol::Status;

namespace {

// Kafka writes this marker at a clean shutdown and removes it at start-up.
constexpr std::string_view kCleanShutdownFile = ".kafka_cleanshutdown";
constexpr std::string_view kDeleteDirSuffix = "-delete";

using CheckpointTp = OffsetCheckpointFile::TopicPartition;

std::map<TopicPartition, std::int64_t> read_checkpoint(const std::filesystem::path& path) {
  std::map<TopicPartition, std::int64_t> out;
  auto offsets = OffsetCheckpointFile(path).read();
  if (!offsets) return out;  // an unreadable checkpoint means full recovery, as Kafka
  for (const auto& [tp, offset] : *offsets) out[TopicPartition{tp.topic, tp.partition}] = offset;
  return out;
}

}  // namespace

LogManager::LogManager(Private, LogManagerConfig config, const Clock& clock)
    : config_(std::move(config)), clock_(clock), scheduler_(std::make_unique<Scheduler>(config_.background_threads)) {}

LogManager::~LogManager() { (void)shutdown(); }

Result<std::unique_ptr<LogManager>> LogManager::open(LogManagerConfig config, const Clock& clock) {
  if (config.log_dirs.empty()) return {ErrorCode::INVALID_CONFIG, "no log.dirs configured"};
  auto manager = std::make_unique<LogManager>(Private{}, std::move(config), clock);
  if (Status s = manager->format_and_verify(); !s.ok()) return s;
  return manager;
}

Status LogManager::format_and_verify() {
  std::optional<std::string> cluster_id;
  std::vector<std::filesystem::path> unformatted;
  for (const auto& dir : config_.log_dirs) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return storage_error("create log dir", dir, ec.value());
    auto meta = read_meta_properties(dir);
    if (!meta) return meta.status();
    if (!meta->has_value()) {
      unformatted.push_back(dir);
      continue;
    }
    if (Status s = verify_meta_properties(**meta, dir, config_.node_id,
                                          cluster_id ? std::optional<std::string_view>(*cluster_id) : std::nullopt);
        !s.ok()) {
      return s;
    }
    if (!cluster_id) cluster_id = (*meta)->cluster_id;
  }
  // Sluice formats a fresh dir itself (Kafka needs `kafka-storage format`).
  if (!cluster_id) cluster_id = random_cluster_id();
  for (const auto& dir : unformatted) {
    MetaProperties props;
    props.cluster_id = cluster_id;
    props.node_id = config_.node_id;
    props.directory_id = random_directory_id();
    if (Status s = write_meta_properties(dir, props); !s.ok()) return s;
  }
  cluster_id_ = *cluster_id;
  for (const auto& dir : config_.log_dirs) {
    const auto marker = dir / kCleanShutdownFile;
    std::error_code ec;
    if (!std::filesystem::exists(marker, ec)) had_clean_shutdown_ = false;
    recovery_points_[dir] = read_checkpoint(dir / OffsetCheckpointFile::kRecoveryPointFileName);
    log_start_offsets_[dir] = read_checkpoint(dir / OffsetCheckpointFile::kLogStartOffsetFileName);
    std::filesystem::remove(marker, ec);
  }
  return {};
}

LogOpenOptions LogManager::open_options_for(const TopicPartition& tp, const std::filesystem::path& dir) const {
  LogOpenOptions o;
  o.max_decompressed_bytes = config_.max_decompressed_bytes;
  o.producer_id_expiration_ms = config_.producer_id_expiration_ms;
  o.had_clean_shutdown = had_clean_shutdown_;
  if (auto rp = recovery_points_.find(dir); rp != recovery_points_.end()) {
    if (auto it = rp->second.find(tp); it != rp->second.end()) o.recovery_point = it->second;
  }
  if (auto ls = log_start_offsets_.find(dir); ls != log_start_offsets_.end()) {
    if (auto it = ls->second.find(tp); it != ls->second.end()) o.log_start_offset = it->second;
  }
  return o;
}

Status LogManager::load_logs(const ConfigForTopic& config_for_topic, const std::vector<std::string>& skip_topics) {
  struct Job {
    TopicPartition tp;
    std::filesystem::path dir;
    std::filesystem::path log_dir;
  };
  std::vector<Job> jobs;
  for (const auto& log_dir : config_.log_dirs) {
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(log_dir, ec)) {
      if (!e.is_directory()) continue;
      const std::string name = e.path().filename().string();
      if (name.ends_with(kDeleteDirSuffix)) {
        // A deletion a restart interrupted: finish it.
        scheduler_->submit([path = e.path()] {
          std::error_code ignored;
          std::filesystem::remove_all(path, ignored);
        });
        continue;
      }
      auto tp = TopicPartition::parse(name);
      if (!tp) continue;
      if (std::find(skip_topics.begin(), skip_topics.end(), tp->topic) != skip_topics.end()) continue;
      jobs.push_back(Job{*tp, e.path(), log_dir});
    }
  }
  std::atomic<std::size_t> next{0};
  std::mutex error_mutex;
  Status first_error;
  auto worker = [&] {
    for (std::size_t i = next++; i < jobs.size(); i = next++) {
      const Job& job = jobs[i];
      LogOpenOptions options = open_options_for(job.tp, job.log_dir);
      if (auto id = PartitionMetadataFile(job.dir / "partition.metadata").read(); id) options.topic_id = *id;
      auto log = Log::open(job.dir, job.tp, config_for_topic(job.tp.topic), options, clock_, *scheduler_);
      std::lock_guard lock(error_mutex);
      if (!log) {
        if (first_error.ok()) first_error = log.status();
        continue;
      }
      std::lock_guard logs_lock(mutex_);
      logs_[job.tp] = std::move(log).value();
      log_dir_of_[job.tp] = job.log_dir;
    }
  };
  const std::size_t threads = std::min<std::size_t>(
      jobs.size(), static_cast<std::size_t>(std::max(1, config_.recovery_threads_per_dir)) * config_.log_dirs.size());
  std::vector<std::thread> pool;
  for (std::size_t i = 0; i < threads; ++i) pool.emplace_back(worker);
  for (std::thread& t : pool) t.join();
  return first_error;
}

Result<std::shared_ptr<Log>> LogManager::open_unmanaged_log(const TopicPartition& tp,
                                                            std::shared_ptr<const LogConfig> config) {
  const std::filesystem::path log_dir = config_.log_dirs.front();
  auto log =
      Log::open(log_dir / tp.to_string(), tp, std::move(config), open_options_for(tp, log_dir), clock_, *scheduler_);
  if (!log) return log.status();
  std::lock_guard lock(mutex_);
  unmanaged_.push_back(*log);
  log_dir_of_[tp] = log_dir;
  return log;
}

std::shared_ptr<Log> LogManager::get_log(const TopicPartition& tp) const {
  std::lock_guard lock(mutex_);
  auto it = logs_.find(tp);
  return it == logs_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<Log>> LogManager::all_logs() const {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<Log>> out;
  for (const auto& [tp, log] : logs_) out.push_back(log);
  return out;
}

std::vector<TopicPartition> LogManager::loaded_partitions() const {
  std::lock_guard lock(mutex_);
  std::vector<TopicPartition> out;
  for (const auto& [tp, log] : logs_) out.push_back(tp);
  return out;
}

std::filesystem::path LogManager::choose_dir() const {
  // Kafka's nextLogDirs: the dir holding the fewest partitions.
  std::map<std::filesystem::path, int> load;
  for (const auto& dir : config_.log_dirs) load[dir] = 0;
  for (const auto& [tp, dir] : log_dir_of_) ++load[dir];
  return std::min_element(load.begin(), load.end(), [](const auto& a, const auto& b) { return a.second < b.second; })
      ->first;
}

Result<std::shared_ptr<Log>> LogManager::get_or_create_log(const TopicPartition& tp, const protocol::Uuid& topic_id,
                                                           std::shared_ptr<const LogConfig> config) {
  std::lock_guard lock(mutex_);
  if (shut_down_) return {ErrorCode::KAFKA_STORAGE_ERROR, "log manager is shut down"};
  if (auto it = logs_.find(tp); it != logs_.end()) return it->second;
  const std::filesystem::path log_dir = choose_dir();
  LogOpenOptions options;
  options.topic_id = topic_id;
  options.max_decompressed_bytes = config_.max_decompressed_bytes;
  options.producer_id_expiration_ms = config_.producer_id_expiration_ms;
  auto log = Log::open(log_dir / tp.to_string(), tp, std::move(config), options, clock_, *scheduler_);
  if (!log) return log.status();
  logs_[tp] = *log;
  log_dir_of_[tp] = log_dir;
  return log;
}

Status LogManager::async_delete(const TopicPartition& tp) {
  std::shared_ptr<Log> log;
  {
    std::lock_guard lock(mutex_);
    auto it = logs_.find(tp);
    if (it == logs_.end()) return {};
    log = it->second;
    logs_.erase(it);
    log_dir_of_.erase(tp);
  }
  // Kafka's name for a log awaiting deletion: "<tp>.<random id>-delete".
  const std::filesystem::path target =
      log->dir().parent_path() /
      (tp.to_string() + "." + random_directory_id().to_base64() + std::string(kDeleteDirSuffix));
  if (cleaner_) {
    cleaner_->abort_cleaning(tp);
    (void)cleaner_->manager().update_checkpoint(log->dir().parent_path(), tp, std::nullopt);
  }
  if (Status s = log->close(); !s.ok()) return s;
  if (Status s = atomic_move(log->dir(), target, true); !s.ok()) return s;
  scheduler_->submit([target] {
    std::error_code ec;
    std::filesystem::remove_all(target, ec);
  });
  return {};
}

void LogManager::start_background_tasks() {
  if (config_.cleaner_enable && !cleaner_) {
    LogCleanerConfig cleaner;
    cleaner.threads = config_.cleaner_threads;
    cleaner.dedupe_buffer_size = config_.cleaner_dedupe_buffer_size;
    cleaner.backoff_ms = config_.cleaner_backoff_ms;
    cleaner.max_decompressed_bytes = config_.max_decompressed_bytes;
    cleaner_ = std::make_unique<LogCleaner>(cleaner, *this);
    cleaner_->startup();
  }
  using std::chrono::milliseconds;
  auto period = [](std::int64_t ms) { return milliseconds(std::clamp<std::int64_t>(ms, 1, 86'400'000LL * 365)); };
  scheduler_->schedule_periodic(period(30'000), period(config_.retention_check_interval_ms),
                                [this] { run_retention(); });
  if (config_.flush_check_interval_ms != INT64_MAX) {
    scheduler_->schedule_periodic(period(config_.flush_check_interval_ms), period(config_.flush_check_interval_ms),
                                  [this] { flush_dirty_logs(); });
  }
  scheduler_->schedule_periodic(period(config_.recovery_point_checkpoint_interval_ms),
                                period(config_.recovery_point_checkpoint_interval_ms),
                                [this] { (void)checkpoint_recovery_points(); });
  scheduler_->schedule_periodic(period(config_.log_start_offset_checkpoint_interval_ms),
                                period(config_.log_start_offset_checkpoint_interval_ms),
                                [this] { (void)checkpoint_log_start_offsets(); });
  scheduler_->schedule_periodic(period(config_.producer_id_expiration_check_interval_ms),
                                period(config_.producer_id_expiration_check_interval_ms),
                                [this] { remove_expired_producers(); });
}

void LogManager::flush_async(std::shared_ptr<Log> log, std::int64_t offset, std::function<void(Status)> done) {
  scheduler_->submit([log = std::move(log), offset, done = std::move(done)] { done(log->flush(offset)); });
}

int LogManager::run_retention() {
  int deleted = 0;
  for (const auto& log : all_logs()) {
    auto n = log->delete_old_segments();
    if (n) deleted += *n;
  }
  return deleted;
}

void LogManager::flush_dirty_logs() {
  const std::int64_t now = clock_.now_ms();
  for (const auto& log : all_logs()) {
    if (log->unflushed_messages() > 0 && now - log->last_flush_ms() >= log->config()->flush_ms) (void)log->flush();
  }
}

void LogManager::remove_expired_producers() {
  const std::int64_t now = clock_.now_ms();
  std::vector<std::shared_ptr<Log>> logs = all_logs();
  {
    std::lock_guard lock(mutex_);
    logs.insert(logs.end(), unmanaged_.begin(), unmanaged_.end());
  }
  for (const auto& log : logs) log->remove_expired_producers(now);
}

Status LogManager::write_offset_checkpoint(std::string_view file,
                                           const std::function<std::int64_t(const Log&)>& offset_of) {
  std::map<std::filesystem::path, OffsetCheckpointFile::Offsets> per_dir;
  {
    std::lock_guard lock(mutex_);
    for (const auto& dir : config_.log_dirs) per_dir[dir];
    for (const auto& [tp, log] : logs_)
      per_dir[log_dir_of_[tp]][CheckpointTp{tp.topic, tp.partition}] = offset_of(*log);
    for (const auto& log : unmanaged_) {
      const TopicPartition& tp = log->topic_partition();
      per_dir[log_dir_of_[tp]][CheckpointTp{tp.topic, tp.partition}] = offset_of(*log);
    }
  }
  Status result;
  for (const auto& [dir, offsets] : per_dir) {
    if (Status s = OffsetCheckpointFile(dir / file).write(offsets); !s.ok() && result.ok()) result = s;
  }
  return result;
}

Status LogManager::checkpoint_recovery_points() {
  return write_offset_checkpoint(OffsetCheckpointFile::kRecoveryPointFileName,
                                 [](const Log& log) { return log.recovery_point(); });
}

Status LogManager::checkpoint_log_start_offsets() {
  return write_offset_checkpoint(OffsetCheckpointFile::kLogStartOffsetFileName,
                                 [](const Log& log) { return log.log_start_offset(); });
}

Status LogManager::shutdown() {
  {
    std::lock_guard lock(mutex_);
    if (shut_down_) return {};
    shut_down_ = true;
  }
  if (cleaner_) cleaner_->shutdown();
  scheduler_->shutdown();
  Status result;
  std::vector<std::shared_ptr<Log>> logs = all_logs();
  {
    std::lock_guard lock(mutex_);
    logs.insert(logs.end(), unmanaged_.begin(), unmanaged_.end());
  }
  for (const auto& log : logs) {
    if (Status s = log->close(); !s.ok() && result.ok()) result = s;
  }
  if (Status s = checkpoint_recovery_points(); !s.ok() && result.ok()) result = s;
  if (Status s = checkpoint_log_start_offsets(); !s.ok() && result.ok()) result = s;
  if (!result.ok()) return result;  // no clean-shutdown marker: the next start recovers
  for (const auto& dir : config_.log_dirs) {
    if (Status s = write_file_atomically(dir / kCleanShutdownFile, ""); !s.ok()) return s;
  }
  return {};
}

}  // namespace sluice::storage
