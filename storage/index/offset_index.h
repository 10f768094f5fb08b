// Kafka's OffsetIndex ("<base offset>.index"): a sparse map from offsets to
// byte positions in the segment's log file, so a fetch can seek near its
// offset instead of scanning. Each 8-byte entry is the offset relative to the
// segment's base offset (int32 BE) and the file position (int32 BE); offsets
// strictly increase. See index_file.h for the shared lifecycle.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>

#include "protocol/result.h"
#include "storage/index/index_file.h"

namespace sluice::storage {

struct OffsetPosition {
  std::int64_t offset = 0;
  std::int32_t position = 0;
  bool operator==(const OffsetPosition&) const = default;
};

class OffsetIndex final : public IndexFile {
  struct Private {
    explicit Private() = default;
  };

 public:
  static constexpr std::int32_t kEntrySize = 8;

  // Opens (or creates, preallocated to max_index_size) the index at `path`.
  static protocol::Result<std::unique_ptr<OffsetIndex>> open(std::filesystem::path path, std::int64_t base_offset,
                                                             std::int32_t max_index_size = kDefaultMaxIndexSize,
                                                             bool writable = true);

  OffsetIndex(Private, std::filesystem::path path, std::int64_t base_offset, std::int32_t max_index_size,
              bool writable);

  // Adds (offset -> position). The offset must exceed last_offset() (unless
  // the index is empty) and fit 32 bits relative to the base offset, and the
  // index must not be full; otherwise UNKNOWN_SERVER_ERROR and no change.
  protocol::Status append(std::int64_t offset, std::int32_t position);

  // The entry with the largest offset <= target, or {base_offset, 0} if
  // there is none (the start of the segment).
  OffsetPosition lookup(std::int64_t target_offset) const;

  // The n-th entry, if n < entries().
  std::optional<OffsetPosition> entry(std::int32_t n) const;

  // The first entry whose position is >= fetch.position + fetch_size: an
  // offset surely past a fetch of that many bytes (not always the nearest).
  std::optional<OffsetPosition> fetch_upper_bound_offset(OffsetPosition fetch, std::int32_t fetch_size) const;

  // The last entry's offset, or the base offset if empty.
  std::int64_t last_offset() const;

  void truncate_to(std::int64_t offset) override;
  // Corrupt if the last offset is below the base offset or the length is not
  // a multiple of 8 (CORRUPT_MESSAGE naming the file).
  protocol::Status sanity_check() const override;

 private:
  void on_entries_changed() override;
  std::int64_t offset_at(std::int32_t slot) const;
  OffsetPosition entry_at(std::int32_t slot) const;

  std::int64_t last_offset_ = 0;
};

}  // namespace sluice::storage
