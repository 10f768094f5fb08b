// The .log file of a segment: RecordBatches back to back, exactly as on the
// wire. Appends go to the page cache with write(2); flush() is the only call
// that waits for the disk. Readers see bytes up to the size published after
// each append, so a reader never observes half a batch.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "protocol/records/record_batch.h"
#include "protocol/result.h"
#include "storage/checkpoint/unique_fd.h"

namespace sluice::storage {

// An open file shared by the segment and by whatever still reads from it (a
// Fetch response being sendfile()d): the descriptor closes with the last one.
class FileHandle {
 public:
  explicit FileHandle(UniqueFd fd) : fd_(std::move(fd)) {}
  int fd() const { return fd_.get(); }

 private:
  UniqueFd fd_;
};

// A byte range of a segment file, readable while `file` is held.
struct FileSlice {
  std::shared_ptr<const FileHandle> file;
  std::uint64_t position = 0;
  std::uint64_t length = 0;

  bool empty() const { return length == 0; }
};

// Where a batch sits in the file, with its header.
struct BatchPosition {
  std::uint64_t position = 0;
  protocol::RecordBatchHeader header;
};

class FileRecords {
 public:
  // Opens (creating when asked) the file; the size is the file's length.
  static protocol::Result<std::unique_ptr<FileRecords>> open(const std::filesystem::path& path, bool create);

  const std::filesystem::path& path() const { return path_; }
  std::uint64_t size() const { return size_.load(std::memory_order_acquire); }

  // Appends bytes at the end; returns the position they start at.
  protocol::Result<std::uint64_t> append(std::span<const std::uint8_t> bytes);

  // Reads [position, position + length) clipped to the size.
  protocol::Status read(std::uint64_t position, std::uint64_t length, std::vector<std::uint8_t>& out) const;

  // The header of the batch at `position`; nullopt at the end of the file or
  // when only part of a header is there. CORRUPT_MESSAGE for a bad header.
  protocol::Result<std::optional<protocol::RecordBatchHeader>> batch_header_at(std::uint64_t position) const;

  // The first batch at or after `start_position` whose last offset is at
  // least `target` (Kafka's FileRecords.searchForOffsetWithSize).
  protocol::Result<std::optional<BatchPosition>> search_for_offset(std::int64_t target,
                                                                   std::uint64_t start_position) const;

  FileSlice slice(std::uint64_t position, std::uint64_t length) const;

  // Calls visit(batch bytes, position) for each whole entry from `start`,
  // reading the file in large chunks, until visit returns false, the file
  // ends, or an entry is cut short or malformed. Returns where the last
  // whole, well-framed entry ended (what recovery keeps).
  template <class Visit>
  protocol::Result<std::uint64_t> for_each_entry(std::uint64_t start, Visit visit) const;

  // fdatasync; blocks on the disk.
  protocol::Status flush() const;
  // Drops everything from `size` on.
  protocol::Status truncate_to(std::uint64_t size);
  protocol::Status rename_to(const std::filesystem::path& path);
  // Unlinks the file; readers holding a slice keep reading it.
  protocol::Status remove();

  FileRecords(std::filesystem::path path, std::shared_ptr<FileHandle> file, std::uint64_t size)
      : path_(std::move(path)), file_(std::move(file)), size_(size) {}

 private:
  std::filesystem::path path_;
  std::shared_ptr<FileHandle> file_;
  std::atomic<std::uint64_t> size_;
};

template <class Visit>
protocol::Result<std::uint64_t> FileRecords::for_each_entry(std::uint64_t start, Visit visit) const {
  constexpr std::uint64_t kChunk = 1 << 20;
  std::vector<std::uint8_t> buf;
  std::uint64_t position = start;
  const std::uint64_t end = size();
  while (position < end) {
    if (protocol::Status s = read(position, kChunk, buf); !s.ok()) return s;
    auto header = protocol::peek_entry(buf);
    if (!header) return position;
    if (header->size_in_bytes() > buf.size()) {
      // One entry larger than a chunk: read exactly it.
      if (position + header->size_in_bytes() > end) return position;
      if (protocol::Status s = read(position, header->size_in_bytes(), buf); !s.ok()) return s;
    }
    protocol::EntryIterator it(buf);
    std::uint64_t consumed = 0;
    while (auto entry = it.next()) {
      if (!visit(*entry, position + consumed)) return position + consumed;
      consumed += entry->size();
    }
    if (!it.error().ok() || consumed == 0) return position + consumed;
    position += consumed;
  }
  return position;
}

}  // namespace sluice::storage
