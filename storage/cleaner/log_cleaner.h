// Kafka's LogCleaner: the background compaction of every compacted log.
// log.cleaner.threads threads each own a Cleaner (and its share of
// log.cleaner.dedupe.buffer.size); each repeatedly takes the log most in
// need of cleaning from the CleanerManager and cleans it, and sleeps
// log.cleaner.backoff.ms when none is. A round reads and writes segment
// files without the log's locks; only the swap of each cleaned segment
// takes the log's append lock, briefly, so appends go on during a round.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "protocol/result.h"
#include "storage/cleaner/cleaner.h"
#include "storage/cleaner/cleaner_manager.h"
#include "storage/clock.h"
#include "storage/log/log_manager.h"

namespace sluice::storage {

// The broker's log.cleaner.* settings (the per-topic ones live in LogConfig).
struct LogCleanerConfig {
  int threads = 1;                                // log.cleaner.threads
  std::int64_t dedupe_buffer_size = 134'217'728;  // log.cleaner.dedupe.buffer.size, split among the threads
  double dedupe_buffer_load_factor = 0.9;         // log.cleaner.io.buffer.load.factor
  std::int64_t backoff_ms = 15'000;               // log.cleaner.backoff.ms
  std::size_t max_decompressed_bytes = 64 << 20;  // bound on inflating one batch
};

// A finished round: which log, and what it did.
struct CleanedLog {
  TopicPartition topic_partition;
  CleanResult result;
};

class LogCleaner {
 public:
  LogCleaner(LogCleanerConfig config, CleanerManager::LogSource logs, const Clock& clock);
  // Cleans the logs of `manager` on its clock.
  LogCleaner(LogCleanerConfig config, LogManager& manager);
  // Stops the threads (shutdown()).
  ~LogCleaner();
  LogCleaner(const LogCleaner&) = delete;
  LogCleaner& operator=(const LogCleaner&) = delete;

  // Starts the threads; idempotent.
  void startup();
  // Stops the threads: a round in progress stops at its next segment and
  // leaves the log consistent. Idempotent.
  void shutdown();

  // No new rounds start on the threads until resume(); a round in progress
  // finishes. clean_once() is not affected.
  void pause();
  void resume();
  // Ends the threads' backoff sleep now.
  void wake_up();

  // One round on the calling thread: cleans the log most in need and
  // returns what was done; nullopt when no log needed cleaning or the round
  // was aborted. A failed round marks the partition uncleanable.
  protocol::Result<std::optional<CleanedLog>> clean_once();

  // Kafka's abortAndPauseCleaning / resumeCleaning / abortCleaning, for
  // truncation and deletion of a log.
  void abort_and_pause_cleaning(const TopicPartition& tp) { manager_.abort_and_pause_cleaning(tp); }
  void resume_cleaning(const TopicPartition& tp) { manager_.resume_cleaning(tp); }
  void abort_cleaning(const TopicPartition& tp);

  CleanerManager& manager() { return manager_; }
  const LogCleanerConfig& config() const { return config_; }
  // Rounds finished on the threads since startup (tests, metrics).
  std::int64_t rounds_completed() const { return rounds_completed_.load(); }

 private:
  CleanerOptions cleaner_options() const;
  void run(int id);
  protocol::Result<std::optional<CleanedLog>> run_round(Cleaner& cleaner);

  const LogCleanerConfig config_;
  const Clock& clock_;
  CleanerManager manager_;

  std::mutex mutex_;
  std::condition_variable wake_cv_;
  bool paused_ = false;
  bool wake_ = false;
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> threads_;
  std::atomic<std::int64_t> rounds_completed_{0};

  std::mutex once_mutex_;
  std::unique_ptr<Cleaner> once_cleaner_;
};

}  // namespace sluice::storage
