#include "storage/cleaner/log_cleaner.h"

#include <algorithm>
#include <chrono>

namespace sluice::storage {

using protocol::Result;
using protocol::Status;

LogCleaner::LogCleaner(LogCleanerConfig config, CleanerManager::LogSource logs, const Clock& clock)
    : config_(config), clock_(clock), manager_(std::move(logs), clock) {}

LogCleaner::LogCleaner(LogCleanerConfig config, LogManager& manager)
    : LogCleaner(
          config, [&manager] { return manager.all_logs(); }, manager.clock()) {}

LogCleaner::~LogCleaner() { shutdown(); }

CleanerOptions LogCleaner::cleaner_options() const {
  CleanerOptions o;
  const std::int64_t share = config_.dedupe_buffer_size / std::max(config_.threads, 1);
  o.dedupe_buffer_bytes = static_cast<std::size_t>(std::max<std::int64_t>(share, 0));
  o.dedupe_buffer_load_factor = config_.dedupe_buffer_load_factor;
  o.max_decompressed_bytes = config_.max_decompressed_bytes;
  return o;
}

void LogCleaner::startup() {
  std::lock_guard lock(mutex_);
  if (!threads_.empty() || stopping_) return;
  for (int i = 0; i < config_.threads; ++i) threads_.emplace_back([this, i] { run(i); });
}

void LogCleaner::shutdown() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    threads.swap(threads_);
  }
  wake_cv_.notify_all();
  for (std::thread& t : threads) t.join();
}

void LogCleaner::pause() {
  std::lock_guard lock(mutex_);
  paused_ = true;
}

void LogCleaner::resume() {
  {
    std::lock_guard lock(mutex_);
    paused_ = false;
  }
  wake_cv_.notify_all();
}

void LogCleaner::wake_up() {
  {
    std::lock_guard lock(mutex_);
    wake_ = true;
  }
  wake_cv_.notify_all();
}

void LogCleaner::abort_cleaning(const TopicPartition& tp) {
  manager_.abort_and_pause_cleaning(tp);
  manager_.resume_cleaning(tp);
}

Result<std::optional<CleanedLog>> LogCleaner::run_round(Cleaner& cleaner) {
  std::optional<LogToClean> ltc = manager_.grab_filthiest_compacted_log();
  if (!ltc) return std::optional<CleanedLog>();
  Log& log = *ltc->log;
  const TopicPartition tp = log.topic_partition();
  auto aborted = [this, &tp] { return stopping_.load() || manager_.cleaning_aborted(tp); };
  auto result = cleaner.clean(log, ltc->first_dirty_offset, ltc->first_uncleanable_offset, aborted);
  if (!result) {
    manager_.cleaning_stopped(log, result.status());
    return result.status();
  }
  if (!result->has_value()) {
    manager_.cleaning_stopped(log, {});
    return std::optional<CleanedLog>();
  }
  if (Status s = manager_.done_cleaning(log, **result); !s.ok()) return s;
  return std::optional<CleanedLog>(CleanedLog{tp, std::move(**result)});
}

Result<std::optional<CleanedLog>> LogCleaner::clean_once() {
  std::lock_guard lock(once_mutex_);
  if (!once_cleaner_) once_cleaner_ = std::make_unique<Cleaner>(cleaner_options(), clock_);
  return run_round(*once_cleaner_);
}

void LogCleaner::run(int /*id*/) {
  Cleaner cleaner(cleaner_options(), clock_);
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (paused_) {
      wake_cv_.wait(lock, [this] { return stopping_ || !paused_; });
      continue;
    }
    lock.unlock();
    // A failed round has marked its log uncleanable; the others go on.
    auto round = run_round(cleaner);
    const bool cleaned = round && round->has_value();
    if (cleaned) ++rounds_completed_;
    lock.lock();
    if (!cleaned && !stopping_) {
      wake_cv_.wait_for(lock, std::chrono::milliseconds(config_.backoff_ms), [this] { return stopping_ || wake_; });
    }
    wake_ = false;
  }
}

}  // namespace sluice::storage
