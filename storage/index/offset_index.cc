#include "storage/index/offset_index.h"

#include <mutex>
#include <string>

namespace sluice::storage {

using protocol::ErrorCode;
using protocol::Result;
using protocol::Status;

Result<std::unique_ptr<OffsetIndex>> OffsetIndex::open(std::filesystem::path path, std::int64_t base_offset,
                                                       std::int32_t max_index_size, bool writable) {
  auto index = std::make_unique<OffsetIndex>(Private{}, std::move(path), base_offset, max_index_size, writable);
  if (Status st = index->open_file(); !st.ok()) return st;
  return index;
}

OffsetIndex::OffsetIndex(Private, std::filesystem::path path, std::int64_t base_offset, std::int32_t max_index_size,
                         bool writable)
    : IndexFile(std::move(path), base_offset, max_index_size, writable, kEntrySize), last_offset_(base_offset) {}

std::int64_t OffsetIndex::offset_at(std::int32_t slot) const {
  return base_offset() + read_i32(static_cast<std::size_t>(slot) * kEntrySize);
}

OffsetPosition OffsetIndex::entry_at(std::int32_t slot) const {
  return OffsetPosition{offset_at(slot), read_i32(static_cast<std::size_t>(slot) * kEntrySize + 4)};
}

void OffsetIndex::on_entries_changed() {
  const std::int32_t n = entries_locked();
  last_offset_ = n == 0 ? base_offset() : offset_at(n - 1);
}

Status OffsetIndex::append(std::int64_t offset, std::int32_t position) {
  std::unique_lock lock(mutex());
  if (Status st = check_open_locked(); !st.ok()) return st;
  const std::int32_t n = entries_locked();
  if (full_locked()) {
    return Status(ErrorCode::UNKNOWN_SERVER_ERROR,
                  "Attempt to append to a full index (size = " + std::to_string(n) + ") " + path_locked().string());
  }
  if (n != 0 && offset <= last_offset_) {
    return Status(ErrorCode::UNKNOWN_SERVER_ERROR, "Attempt to append an offset " + std::to_string(offset) +
                                                       " to position " + std::to_string(n) +
                                                       " no larger than the last offset appended (" +
                                                       std::to_string(last_offset_) + ") to " + path_locked().string());
  }
  const auto relative = relative_offset(offset);
  if (!relative) {
    return Status(ErrorCode::UNKNOWN_SERVER_ERROR,
                  "Integer overflow for offset: " + std::to_string(offset) + " (" + path_locked().string() + ")");
  }
  const auto pos = static_cast<std::size_t>(n) * kEntrySize;
  if (Status st = reserve_locked(pos, kEntrySize); !st.ok()) return st;
  write_i32(pos, *relative);
  write_i32(pos + 4, position);
  commit_entry_locked();
  last_offset_ = offset;
  return Status::Ok();
}

OffsetPosition OffsetIndex::lookup(std::int64_t target_offset) const {
  std::shared_lock lock(mutex());
  if (!check_open_locked().ok()) return OffsetPosition{base_offset(), 0};
  const std::int32_t slot = largest_lower_bound_slot(target_offset, [this](std::int32_t s) { return offset_at(s); });
  if (slot < 0) return OffsetPosition{base_offset(), 0};
  return entry_at(slot);
}

std::optional<OffsetPosition> OffsetIndex::entry(std::int32_t n) const {
  std::shared_lock lock(mutex());
  if (!check_open_locked().ok() || n < 0 || n >= entries_locked()) return std::nullopt;
  return entry_at(n);
}

std::optional<OffsetPosition> OffsetIndex::fetch_upper_bound_offset(OffsetPosition fetch,
                                                                    std::int32_t fetch_size) const {
  std::shared_lock lock(mutex());
  if (!check_open_locked().ok()) return std::nullopt;
  const std::int64_t target = std::int64_t{fetch.position} + fetch_size;
  const std::int32_t slot = smallest_upper_bound_slot(
      target, [this](std::int32_t s) { return std::int64_t{read_i32(static_cast<std::size_t>(s) * kEntrySize + 4)}; });
  if (slot < 0) return std::nullopt;
  return entry_at(slot);
}

std::int64_t OffsetIndex::last_offset() const {
  std::shared_lock lock(mutex());
  return last_offset_;
}

void OffsetIndex::truncate_to(std::int64_t offset) {
  std::unique_lock lock(mutex());
  if (!check_open_locked().ok()) return;
  const std::int32_t slot = largest_lower_bound_slot(offset, [this](std::int32_t s) { return offset_at(s); });
  // No entry <= offset: drop all; an entry exactly at offset: drop it and
  // everything after; otherwise keep the entry below offset.
  std::int32_t keep = 0;
  if (slot >= 0) keep = offset_at(slot) == offset ? slot : slot + 1;
  truncate_to_entries_locked(keep);
}

Status OffsetIndex::sanity_check() const {
  std::shared_lock lock(mutex());
  if (entries_locked() != 0 && last_offset_ < base_offset()) {
    return Status(ErrorCode::CORRUPT_MESSAGE,
                  "Corrupt index found, index file " + path_locked().string() +
                      " has non-zero size but the last offset is " + std::to_string(last_offset_) +
                      " which is less than the base offset " + std::to_string(base_offset()));
  }
  if (length_locked() % kEntrySize != 0) {
    return Status(ErrorCode::CORRUPT_MESSAGE,
                  "Index file " + path_locked().string() + " is corrupt, found " + std::to_string(length_locked()) +
                      " bytes which is neither positive nor a multiple of " + std::to_string(kEntrySize));
  }
  return Status::Ok();
}

}  // namespace sluice::storage
