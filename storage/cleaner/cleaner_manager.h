// Kafka's LogCleanerManager: which compacted log to clean next, the
// per-partition cleaning state (in progress, aborted, paused), and the
// "cleaner-offset-checkpoint" file of each log dir (CheckpointFile framing,
// "topic partition offset" lines) holding where each log's dirty section
// starts.
//
// A log is cleaned when its cleanup.policy includes compact and either its
// dirty ratio (bytes of the cleanable dirty section / bytes of the clean and
// cleanable sections) exceeds min.cleanable.dirty.ratio (strictly, as Kafka
// compares), or its first dirty batch is older than max.compaction.lag.ms
// (KIP-354) and there is something cleanable. Of those, the highest ratio
// goes first. Beyond Kafka: a log whose last round kept tombstones is also
// cleaned once their delete horizon (KIP-534) has passed, so they go without
// waiting for new dirty data (this memory does not survive a restart).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string_view>
#include <vector>

#include "protocol/result.h"
#include "storage/cleaner/cleaner.h"
#include "storage/clock.h"
#include "storage/log/log.h"
#include "storage/topic_partition.h"

namespace sluice::storage {

inline constexpr std::string_view kCleanerOffsetCheckpointFile = "cleaner-offset-checkpoint";

// Kafka's cleanableOffsets: where the dirty section starts and where the
// uncleanable part begins.
struct CleanableOffsets {
  std::int64_t first_dirty_offset = 0;
  // min(active segment base, last stable offset, base of the first dirty
  // segment newer than min.compaction.lag.ms); may fall inside a segment.
  std::int64_t first_uncleanable_offset = 0;
  // The checkpoint was below the log start offset or past the active
  // segment (truncation): it is rewritten.
  bool force_checkpoint_update = false;
};

CleanableOffsets cleanable_offsets(const Log& log, std::optional<std::int64_t> checkpointed_offset,
                                   std::int64_t now_ms);

// KIP-354: how long past max.compaction.lag.ms the earliest first-batch
// timestamp of the dirty, inactive segments is; 0 when it is not.
std::int64_t max_compaction_delay_ms(const Log& log, std::int64_t first_dirty_offset, std::int64_t now_ms);

// Kafka's LogToClean: a log with its sections sized.
struct LogToClean {
  std::shared_ptr<Log> log;
  std::int64_t first_dirty_offset = 0;
  // The base of the segment holding the uncleanable offset (Kafka's
  // calculateCleanableBytes): the round stops at a segment boundary.
  std::int64_t first_uncleanable_offset = 0;
  std::uint64_t clean_bytes = 0;      // segments below the first dirty offset
  std::uint64_t cleanable_bytes = 0;  // segments from the first dirty offset to the uncleanable one
  std::int64_t max_compaction_delay_ms = 0;
  bool delete_horizon_passed = false;

  std::uint64_t total_bytes() const { return clean_bytes + cleanable_bytes; }
  double cleanable_ratio() const {
    return total_bytes() == 0 ? 0.0 : static_cast<double>(cleanable_bytes) / static_cast<double>(total_bytes());
  }
  bool need_compaction_now() const { return max_compaction_delay_ms > 0; }
};

LogToClean make_log_to_clean(std::shared_ptr<Log> log, std::int64_t first_dirty_offset, std::int64_t uncleanable_offset,
                             std::int64_t max_compaction_delay_ms);

class CleanerManager {
 public:
  using LogSource = std::function<std::vector<std::shared_ptr<Log>>()>;

  CleanerManager(LogSource logs, const Clock& clock);
  CleanerManager(const CleanerManager&) = delete;
  CleanerManager& operator=(const CleanerManager&) = delete;

  // Kafka's grabFilthiestCompactedLog: the compacted log most in need of
  // cleaning, now marked in progress; nullopt when none is. Each grabbed log
  // must be handed back through done_cleaning or cleaning_stopped.
  std::optional<LogToClean> grab_filthiest_compacted_log();
  // The sections of one log as the next round would see them (metrics,
  // tests); nullopt for a log that is not compacted.
  std::optional<LogToClean> inspect(const std::shared_ptr<Log>& log);

  // Ends a round: checkpoints its end offset and remembers its pending
  // delete horizon.
  protocol::Status done_cleaning(const Log& log, const CleanResult& result);
  // Ends a round that stopped early. An error marks the partition
  // uncleanable (Kafka's uncleanable-partitions) until resume_cleaning or
  // a restart.
  void cleaning_stopped(const Log& log, const protocol::Status& error);

  // Whether the round in progress on `tp` must stop (Kafka's checkDone).
  bool cleaning_aborted(const TopicPartition& tp) const;
  // Stops a round in progress on `tp` (blocking until it has) and keeps
  // `tp` from being cleaned until as many resume_cleaning calls (Kafka's
  // abortAndPauseCleaning: truncation, deletion). Must not be called with
  // the log's locks held, nor the one the log source takes.
  void abort_and_pause_cleaning(const TopicPartition& tp);
  void resume_cleaning(const TopicPartition& tp);
  bool is_paused(const TopicPartition& tp) const;
  bool in_progress(const TopicPartition& tp) const;
  std::map<TopicPartition, protocol::Status> uncleanable_partitions() const;

  // Every log dir's checkpointed offsets (Kafka's allCleanerCheckpoints).
  protocol::Result<std::map<TopicPartition, std::int64_t>> all_cleaner_checkpoints();
  // Sets (or with nullopt removes) `tp`'s entry in `log_dir`'s checkpoint;
  // entries of logs no longer present are dropped on the way, as Kafka's
  // updateCheckpoints does.
  protocol::Status update_checkpoint(const std::filesystem::path& log_dir, const TopicPartition& tp,
                                     std::optional<std::int64_t> offset);
  // After truncation: a checkpoint past `offset` moves back to it.
  protocol::Status maybe_truncate_checkpoint(const std::filesystem::path& log_dir, const TopicPartition& tp,
                                             std::int64_t offset);

 private:
  enum class State : std::uint8_t { kInProgress, kAborted, kPaused };
  struct Entry {
    State state = State::kInProgress;
    int pause_count = 0;
  };
  using Offsets = std::map<TopicPartition, std::int64_t>;

  // The cached checkpoint of `log_dir`, read from disk on first use.
  protocol::Result<Offsets*> checkpoint_of_locked(const std::filesystem::path& log_dir);
  protocol::Status write_checkpoint_locked(const std::filesystem::path& log_dir, const Offsets& offsets);
  // Sets or removes one entry, keeping only the `present` partitions when given.
  protocol::Status write_entry(const std::filesystem::path& log_dir, const TopicPartition& tp,
                               std::optional<std::int64_t> offset, const std::set<TopicPartition>* present);
  std::optional<LogToClean> inspect_with(const std::shared_ptr<Log>& log, std::optional<std::int64_t> checkpointed,
                                         std::int64_t now_ms, bool* force_update);
  void finish_locked(const TopicPartition& tp);

  LogSource logs_;
  const Clock& clock_;

  mutable std::mutex mutex_;
  std::condition_variable paused_cv_;
  std::map<TopicPartition, Entry> states_;
  std::map<TopicPartition, protocol::Status> uncleanable_;
  std::map<TopicPartition, std::int64_t> delete_horizons_;

  std::mutex checkpoint_mutex_;
  std::map<std::filesystem::path, Offsets> checkpoints_;
};

}  // namespace sluice::storage
