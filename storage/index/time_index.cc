#include "storage/index/time_index.h"

#include <mutex>
#include <string>

namespace sluice::storage {

using protocol::ErrorCode;
using protocol::Result;
using protocol::Status;

Result<std::unique_ptr<TimeIndex>> TimeIndex::open(std::filesystem::path path, std::int64_t base_offset,
                                                   std::int32_t max_index_size, bool writable) {
  auto index = std::make_unique<TimeIndex>(Private{}, std::move(path), base_offset, max_index_size, writable);
  if (Status st = index->open_file(); !st.ok()) return st;
  return index;
}

TimeIndex::TimeIndex(Private, std::filesystem::path path, std::int64_t base_offset, std::int32_t max_index_size,
                     bool writable)
    : IndexFile(std::move(path), base_offset, max_index_size, writable, kEntrySize),
      last_entry_{kNoTimestamp, base_offset} {}

std::int64_t TimeIndex::timestamp_at(std::int32_t slot) const {
  return read_i64(static_cast<std::size_t>(slot) * kEntrySize);
}

std::int64_t TimeIndex::offset_at(std::int32_t slot) const {
  return base_offset() + read_i32(static_cast<std::size_t>(slot) * kEntrySize + 8);
}

TimestampOffset TimeIndex::entry_at(std::int32_t slot) const {
  return TimestampOffset{timestamp_at(slot), offset_at(slot)};
}

void TimeIndex::on_entries_changed() {
  const std::int32_t n = entries_locked();
  last_entry_ = n == 0 ? TimestampOffset{kNoTimestamp, base_offset()} : entry_at(n - 1);
}

bool TimeIndex::full_locked() const { return entries_locked() >= max_entries_locked() - 1; }

Status TimeIndex::maybe_append(std::int64_t timestamp, std::int64_t offset, bool skip_full_check) {
  std::unique_lock lock(mutex());
  if (Status st = check_open_locked(); !st.ok()) return st;
  const std::int32_t n = entries_locked();
  if (!skip_full_check && full_locked()) {
    return Status(ErrorCode::UNKNOWN_SERVER_ERROR, "Attempt to append to a full time index (size = " +
                                                       std::to_string(n) + ") " + path_locked().string());
  }
  // Re-appending the last entry (offset equal) is allowed and ignored below.
  if (n != 0 && offset < last_entry_.offset) {
    return Status(ErrorCode::UNKNOWN_SERVER_ERROR,
                  "Attempt to append an offset (" + std::to_string(offset) + ") to slot " + std::to_string(n) +
                      " no larger than the last offset appended (" + std::to_string(last_entry_.offset) + ") to " +
                      path_locked().string());
  }
  if (n != 0 && timestamp < last_entry_.timestamp) {
    return Status(ErrorCode::UNKNOWN_SERVER_ERROR,
                  "Attempt to append a timestamp (" + std::to_string(timestamp) + ") to slot " + std::to_string(n) +
                      " no larger than the last timestamp appended (" + std::to_string(last_entry_.timestamp) +
                      ") to " + path_locked().string());
  }
  if (timestamp <= last_entry_.timestamp) return Status::Ok();

  const auto relative = relative_offset(offset);
  if (!relative) {
    return Status(ErrorCode::UNKNOWN_SERVER_ERROR,
                  "Integer overflow for offset: " + std::to_string(offset) + " (" + path_locked().string() + ")");
  }
  if (n >= max_entries_locked()) {
    // Only reachable with skip_full_check on an index with no free slot.
    return Status(ErrorCode::UNKNOWN_SERVER_ERROR, "No slot left in time index " + path_locked().string());
  }
  const auto pos = static_cast<std::size_t>(n) * kEntrySize;
  if (Status st = reserve_locked(pos, kEntrySize); !st.ok()) return st;
  write_i64(pos, timestamp);
  write_i32(pos + 8, *relative);
  commit_entry_locked();
  last_entry_ = TimestampOffset{timestamp, offset};
  return Status::Ok();
}

TimestampOffset TimeIndex::lookup(std::int64_t target_timestamp) const {
  std::shared_lock lock(mutex());
  if (!check_open_locked().ok()) return TimestampOffset{kNoTimestamp, base_offset()};
  const std::int32_t slot =
      largest_lower_bound_slot(target_timestamp, [this](std::int32_t s) { return timestamp_at(s); });
  if (slot < 0) return TimestampOffset{kNoTimestamp, base_offset()};
  return entry_at(slot);
}

std::optional<TimestampOffset> TimeIndex::entry(std::int32_t n) const {
  std::shared_lock lock(mutex());
  if (!check_open_locked().ok() || n < 0 || n >= entries_locked()) return std::nullopt;
  return entry_at(n);
}

TimestampOffset TimeIndex::last_entry() const {
  std::shared_lock lock(mutex());
  return last_entry_;
}

void TimeIndex::truncate_to(std::int64_t offset) {
  std::unique_lock lock(mutex());
  if (!check_open_locked().ok()) return;
  const std::int32_t slot = largest_lower_bound_slot(offset, [this](std::int32_t s) { return offset_at(s); });
  std::int32_t keep = 0;
  if (slot >= 0) keep = offset_at(slot) == offset ? slot : slot + 1;
  truncate_to_entries_locked(keep);
}

Status TimeIndex::sanity_check() const {
  std::shared_lock lock(mutex());
  const std::int32_t n = entries_locked();
  if (n != 0 && last_entry_.timestamp < timestamp_at(0)) {
    return Status(ErrorCode::CORRUPT_MESSAGE,
                  "Corrupt time index found, time index file (" + path_locked().string() +
                      ") has non-zero size but the last timestamp is " + std::to_string(last_entry_.timestamp) +
                      " which is less than the first timestamp " + std::to_string(timestamp_at(0)));
  }
  if (n != 0 && last_entry_.offset < base_offset()) {
    return Status(ErrorCode::CORRUPT_MESSAGE,
                  "Corrupt time index found, time index file (" + path_locked().string() +
                      ") has non-zero size but the last offset is " + std::to_string(last_entry_.offset) +
                      " which is less than the first offset " + std::to_string(base_offset()));
  }
  if (length_locked() % kEntrySize != 0) {
    return Status(ErrorCode::CORRUPT_MESSAGE, "Time index file " + path_locked().string() + " is corrupt, found " +
                                                  std::to_string(length_locked()) +
                                                  " bytes which is neither positive nor a multiple of " +
                                                  std::to_string(kEntrySize));
  }
  return Status::Ok();
}

}  // namespace sluice::storage
