// Kafka's LogSegment: one "<base offset>.log" with its ".index",
// ".timeindex" and ".txnindex" (aborted transactions whose marker is in this
// segment; the log fills it). Appends add a sparse index entry every index.interval.bytes;
// reads translate an offset to a file position through the index, then a
// short scan of batch headers.
//
// Appends are serialized by the owning Log; reads may run concurrently with
// an append and see the file up to its last published size.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "protocol/records/record_batch.h"
#include "protocol/result.h"
#include "storage/config/log_config.h"
#include "storage/index/offset_index.h"
#include "storage/index/time_index.h"
#include "storage/index/transaction_index.h"
#include "storage/log/file_records.h"

namespace sluice::storage {

// File names as Kafka writes them: the base offset as 20 digits.
std::string offset_file_name(std::int64_t offset);
inline constexpr std::string_view kLogSuffix = ".log";
inline constexpr std::string_view kIndexSuffix = ".index";
inline constexpr std::string_view kTimeIndexSuffix = ".timeindex";
inline constexpr std::string_view kDeletedSuffix = ".deleted";
inline constexpr std::string_view kCleanedSuffix = ".cleaned";
inline constexpr std::string_view kSwapSuffix = ".swap";

// A read from one segment: the file range to send and where it starts.
struct SegmentRead {
  FileSlice slice;
  std::int64_t first_batch_offset = 0;  // base offset of the first batch in the slice
  std::uint64_t first_position = 0;
};

struct TimestampAndOffset {
  std::int64_t timestamp = protocol::kNoTimestamp;
  std::int64_t offset = -1;
  std::optional<std::int32_t> leader_epoch;
};

class LogSegment {
  struct Private {
    explicit Private() = default;
  };

 public:
  // Opens the segment's files in `dir`, creating them when `create`.
  // `suffix` is added to every file name (".cleaned", ".swap").
  static protocol::Result<std::unique_ptr<LogSegment>> open(const std::filesystem::path& dir, std::int64_t base_offset,
                                                            const LogConfig& config, bool create, std::int64_t now_ms,
                                                            std::string_view suffix = {});

  LogSegment(Private, std::int64_t base_offset, std::unique_ptr<FileRecords> log, std::unique_ptr<OffsetIndex> index,
             std::unique_ptr<TimeIndex> time_index, std::unique_ptr<TransactionIndex> txn_index,
             std::int64_t index_interval_bytes, std::int64_t roll_jitter_ms, std::int64_t created_ms);

  std::int64_t base_offset() const { return base_offset_; }
  std::uint64_t size() const { return log_->size(); }
  const FileRecords& log() const { return *log_; }
  OffsetIndex& offset_index() { return *index_; }
  TimeIndex& time_index() { return *time_index_; }
  TransactionIndex& txn_index() { return *txn_index_; }
  const TransactionIndex& txn_index() const { return *txn_index_; }

  // Appends batches whose offsets were assigned, indexing as it goes. Writes
  // to the page cache only.
  protocol::Status append(std::int64_t largest_offset, std::int64_t largest_timestamp,
                          std::int64_t offset_of_max_timestamp, std::span<const std::uint8_t> records);

  // The first batch holding an offset >= `offset`, searching from
  // `start_position` (Kafka's translateOffset); nullopt past the end.
  protocol::Result<std::optional<BatchPosition>> translate_offset(std::int64_t offset,
                                                                  std::uint64_t start_position = 0) const;

  // Up to `max_size` bytes from the batch holding `offset`, not past
  // `max_position`; with `min_one_message` the first batch is whole even
  // when larger than max_size. nullopt when the offset is past this segment.
  protocol::Result<std::optional<SegmentRead>> read(std::int64_t offset, std::uint64_t max_size,
                                                    std::uint64_t max_position, bool min_one_message) const;

  // The first record with a timestamp >= `timestamp` and an offset >=
  // `starting_offset` (ListOffsets by time).
  protocol::Result<std::optional<TimestampAndOffset>> find_offset_by_timestamp(std::int64_t timestamp,
                                                                               std::int64_t starting_offset,
                                                                               std::size_t max_decompressed) const;

  // The offset after the last batch (base offset when empty).
  protocol::Result<std::int64_t> read_next_offset() const;

  // Rebuilds the offset and time indexes from the log, dropping everything
  // from the first entry that is cut short, fails its CRC or is not a v2
  // batch. `on_batch` sees each valid batch (leader epochs, producer state
  // and the transaction index, which the log rebuilds); an error from it
  // stops the recovery with that error. Returns the bytes dropped.
  protocol::Result<std::uint64_t> recover(
      const std::function<protocol::Status(const protocol::RecordBatchView&)>& on_batch);

  // Drops every batch from the one holding `offset` on, and the aborted
  // transactions whose marker is at or above it; returns the bytes dropped.
  protocol::Result<std::uint64_t> truncate_to(std::int64_t offset);

  // Kafka's shouldRoll: the segment is full, old, its index is full, or
  // the new batches' offsets would not fit a 32-bit relative offset.
  bool should_roll(const LogConfig& config, std::uint64_t records_size, std::int64_t max_timestamp_in_records,
                   std::int64_t max_offset_in_records, std::int64_t now_ms) const;

  // The largest timestamp in the segment (time-based retention); the file's
  // modification time when no batch had one.
  std::int64_t largest_timestamp() const;
  std::int64_t max_timestamp_so_far() const { return max_timestamp_so_far_.load(std::memory_order_acquire); }
  std::int64_t offset_of_max_timestamp_so_far() const {
    return offset_of_max_timestamp_.load(std::memory_order_acquire);
  }

  // When the segment stops being the active one: a final time index entry,
  // indexes trimmed to their entries.
  protocol::Status on_becoming_inactive();
  // When it becomes active again (after truncation): indexes regrown.
  protocol::Status on_becoming_active(std::int64_t max_index_size);

  // Forces the log and its indexes to disk; blocks.
  protocol::Status flush() const;
  // Adds or removes a suffix on every file (".deleted", ".swap", ...).
  protocol::Status change_suffix(std::string_view old_suffix, std::string_view new_suffix);
  // Deletes the files; concurrent readers keep their open descriptors.
  protocol::Status delete_files();
  // Unmaps the indexes without trimming (shutdown of an active segment
  // trims through on_becoming_inactive first).
  void close();

  std::int64_t created_ms() const { return created_ms_; }
  std::int64_t last_modified_ms() const;

 private:
  std::int64_t time_waited_for_roll(std::int64_t now_ms, std::int64_t message_timestamp) const;
  void observe_max_timestamp(std::int64_t timestamp, std::int64_t offset);

  const std::int64_t base_offset_;
  std::unique_ptr<FileRecords> log_;
  std::unique_ptr<OffsetIndex> index_;
  std::unique_ptr<TimeIndex> time_index_;
  std::unique_ptr<TransactionIndex> txn_index_;
  const std::int64_t index_interval_bytes_;
  const std::int64_t roll_jitter_ms_;
  const std::int64_t created_ms_;

  std::uint64_t bytes_since_last_index_entry_ = 0;
  std::atomic<std::int64_t> max_timestamp_so_far_{protocol::kNoTimestamp};
  std::atomic<std::int64_t> offset_of_max_timestamp_{-1};
  // The first batch's max timestamp, for time-based rolling.
  std::atomic<std::int64_t> rolling_based_timestamp_{protocol::kNoTimestamp};
};

}  // namespace sluice::storage
