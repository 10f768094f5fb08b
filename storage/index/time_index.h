// Kafka's TimeIndex ("<base offset>.timeindex"): a sparse map from
// timestamps to offsets for ListOffsets-by-time and time-based retention.
// Each 12-byte entry is a timestamp (int64 BE) and an offset relative to the
// segment's base offset (int32 BE); an entry (T, O) means the largest
// timestamp seen before offset O is T, so timestamps and offsets only grow.
// See index_file.h for the shared lifecycle.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>

#include "protocol/result.h"
#include "storage/index/index_file.h"

namespace sluice::storage {

// RecordBatch.NO_TIMESTAMP.
inline constexpr std::int64_t kNoTimestamp = -1;

struct TimestampOffset {
  std::int64_t timestamp = kNoTimestamp;
  std::int64_t offset = 0;
  bool operator==(const TimestampOffset&) const = default;
};

class TimeIndex final : public IndexFile {
  struct Private {
    explicit Private() = default;
  };

 public:
  static constexpr std::int32_t kEntrySize = 12;

  // Opens (or creates, preallocated to max_index_size) the index at `path`.
  static protocol::Result<std::unique_ptr<TimeIndex>> open(std::filesystem::path path, std::int64_t base_offset,
                                                           std::int32_t max_index_size = kDefaultMaxIndexSize,
                                                           bool writable = true);

  TimeIndex(Private, std::filesystem::path path, std::int64_t base_offset, std::int32_t max_index_size, bool writable);

  // Kafka's maybeAppend: appends (timestamp, offset) only if timestamp is
  // greater than the last entry's (so an index of only NO_TIMESTAMP batches
  // stays empty, and re-appending the last entry on roll/close is a no-op).
  // An offset or timestamp below the last entry's, an offset that does not
  // fit 32 bits relative to the base, or a full index (unless
  // skip_full_check, used on roll/close for the reserved last slot) ->
  // UNKNOWN_SERVER_ERROR and no change.
  protocol::Status maybe_append(std::int64_t timestamp, std::int64_t offset, bool skip_full_check = false);

  // The entry with the largest timestamp <= target, or
  // {kNoTimestamp, base_offset} if there is none.
  TimestampOffset lookup(std::int64_t target_timestamp) const;

  // The n-th entry, if n < entries().
  std::optional<TimestampOffset> entry(std::int32_t n) const;

  // The last entry, or {kNoTimestamp, base_offset} if empty.
  TimestampOffset last_entry() const;

  // Drops entries whose offset is >= `offset`.
  void truncate_to(std::int64_t offset) override;
  // Corrupt if the last timestamp is below the first, the last offset below
  // the base offset, or the length not a multiple of 12 (CORRUPT_MESSAGE).
  protocol::Status sanity_check() const override;

 private:
  void on_entries_changed() override;
  // Keeps the last slot free so the roll/close entry always fits.
  bool full_locked() const override;
  std::int64_t timestamp_at(std::int32_t slot) const;
  std::int64_t offset_at(std::int32_t slot) const;
  TimestampOffset entry_at(std::int32_t slot) const;

  TimestampOffset last_entry_;
};

}  // namespace sluice::storage
