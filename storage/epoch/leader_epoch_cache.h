// Kafka's LeaderEpochFileCache: for one partition replica, the first offset
// written in each leader epoch, persisted to "leader-epoch-checkpoint". It
// answers OffsetsForLeaderEpoch (KIP-101/KIP-279), which followers and
// consumers (KIP-320) use to find where their log diverged from the leader's.
//
// Thread safety: readers (fetch, ListOffsets, OffsetsForLeaderEpoch) take a
// shared lock; mutators are serialized among themselves and hold the
// exclusive lock only while changing the in-memory map, so a checkpoint
// fsync never blocks readers. Every change is written to the checkpoint
// before the mutator returns (Kafka flushes truncations asynchronously; here
// the caller picks the thread): call mutators off network threads.
//
// If a checkpoint write fails, the in-memory state has still changed and the
// error is returned; like Kafka, the caller should take the log dir offline.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <vector>

#include "protocol/result.h"
#include "storage/checkpoint/leader_epoch_checkpoint_file.h"
#include "storage/epoch/epoch_entry.h"

namespace sluice::storage {

// OffsetsForLeaderEpochResponse.UNDEFINED_EPOCH / UNDEFINED_EPOCH_OFFSET.
inline constexpr std::int32_t kUndefinedEpoch = -1;
inline constexpr std::int64_t kUndefinedEpochOffset = -1;

struct EpochEndOffset {
  std::int32_t epoch = kUndefinedEpoch;
  std::int64_t end_offset = kUndefinedEpochOffset;
  bool operator==(const EpochEndOffset&) const = default;
};

class LeaderEpochCache {
  struct Private {
    explicit Private() = default;
  };

 public:
  // Loads the checkpoint at `checkpoint_path` (missing = empty), applying
  // each entry as assign() would. Read errors -> KAFKA_STORAGE_ERROR.
  static protocol::Result<std::unique_ptr<LeaderEpochCache>> open(std::filesystem::path checkpoint_path);

  explicit LeaderEpochCache(Private, std::filesystem::path checkpoint_path);

  // Records that `epoch` starts at `start_offset` and persists the change.
  // No-op if `epoch` is already the latest with a start offset <= the given
  // one (an epoch's start never moves up). Otherwise entries that conflict
  // with the new one -- an epoch >= `epoch` or a start offset >= `start_offset`
  // -- are removed first, keeping epochs and offsets strictly increasing
  // (Kafka's maybeTruncateNonMonotonicEntries). Negative values ->
  // INVALID_REQUEST, nothing changes.
  protocol::Status assign(std::int32_t epoch, std::int64_t start_offset);
  // Applies each entry, then persists once.
  protocol::Status assign(std::span<const EpochEntry> entries);

  std::optional<std::int32_t> latest_epoch() const;
  std::optional<EpochEntry> latest_entry() const;
  std::optional<EpochEntry> earliest_entry() const;
  // The epoch before the latest one.
  std::optional<std::int32_t> previous_epoch() const;
  // The largest epoch below / smallest epoch above `epoch`.
  std::optional<std::int32_t> previous_epoch(std::int32_t epoch) const;
  std::optional<EpochEntry> previous_entry(std::int32_t epoch) const;
  std::optional<std::int32_t> next_epoch(std::int32_t epoch) const;
  std::optional<EpochEntry> epoch_entry(std::int32_t epoch) const;
  // The epoch the record at `offset` was written in, if known.
  std::optional<std::int32_t> epoch_for_offset(std::int64_t offset) const;
  bool empty() const;
  std::vector<EpochEntry> entries() const;

  // OffsetsForLeaderEpoch: the largest known epoch <= `requested_epoch` and
  // where it ends --
  //   * requested UNDEFINED_EPOCH, an empty cache, or an epoch above every
  //     known one: {UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET};
  //   * the latest epoch: {latest, log_end_offset};
  //   * below the earliest epoch: {requested_epoch, earliest start offset}
  //     (the older epochs' data is gone; the follower resumes from the start);
  //   * otherwise: {largest epoch <= requested, start of the next epoch}.
  EpochEndOffset end_offset_for(std::int32_t requested_epoch, std::int64_t log_end_offset) const;

  // After the log is truncated to `end_offset`: removes the entries starting
  // at or after it. A negative offset (UNDEFINED_EPOCH_OFFSET) changes nothing.
  protocol::Status truncate_from_end(std::int64_t end_offset);
  // After the log start offset moves up to `start_offset`: removes the
  // entries starting at or before it and re-adds the last removed epoch as
  // starting at `start_offset` (an entry at exactly `start_offset` is kept).
  protocol::Status truncate_from_start(std::int64_t start_offset);
  // The entries of [start_offset, end_offset) as the two truncations would
  // leave them, without changing the cache (a negative start is ignored).
  std::vector<EpochEntry> entries_in_range(std::int64_t start_offset, std::int64_t end_offset) const;

  // Drops every entry and persists the empty checkpoint.
  protocol::Status clear();

  const std::filesystem::path& checkpoint_path() const { return checkpoint_.path(); }

 private:
  using EpochMap = std::map<std::int32_t, std::int64_t>;

  // Under writer_mutex_: whether `entry` changes the cache, and the change.
  bool update_needed(const EpochEntry& entry) const;
  void apply_assign(const EpochEntry& entry);
  protocol::Status persist() const;

  static bool truncate_start(EpochMap& epochs, std::int64_t start_offset);
  static bool truncate_end(EpochMap& epochs, std::int64_t end_offset);
  std::optional<EpochEntry> latest_locked() const;

  LeaderEpochCheckpointFile checkpoint_;
  // Serializes mutators and checkpoint writes; the map only changes with
  // both this and data_mutex_ (exclusive) held, so a mutator holding this
  // may read the map without data_mutex_.
  std::mutex writer_mutex_;
  mutable std::shared_mutex data_mutex_;
  EpochMap epochs_;  // epoch -> start offset, both strictly increasing
};

}  // namespace sluice::storage
