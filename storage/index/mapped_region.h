// An owned mmap(2) of a file's first `size` bytes, unmapped when destroyed.
// Kafka's indexes are read and written through such a mapping (the OS page
// cache), so lookups and appends never issue a read/write system call.
#pragma once

#include <cstddef>
#include <filesystem>
#include <utility>

#include "protocol/result.h"

namespace sluice::storage {

class MappedRegion {
 public:
  MappedRegion() = default;
  MappedRegion(MappedRegion&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}
  MappedRegion& operator=(MappedRegion&& other) noexcept;
  MappedRegion(const MappedRegion&) = delete;
  MappedRegion& operator=(const MappedRegion&) = delete;
  ~MappedRegion() { unmap(); }

  // Maps [0, size) of `fd` shared (writes reach the file). A zero size gives
  // an empty region without a mapping, since mmap(2) refuses length 0.
  // `path` only names the file in errors (KAFKA_STORAGE_ERROR).
  static protocol::Result<MappedRegion> map(int fd, std::size_t size, bool writable, const std::filesystem::path& path);

  std::byte* data() { return data_; }
  const std::byte* data() const { return data_; }
  std::size_t size() const { return size_; }

  // msync(MS_SYNC): the mapped pages are on disk when this returns OK.
  protocol::Status sync(const std::filesystem::path& path) const;

  void unmap();

 private:
  MappedRegion(std::byte* data, std::size_t size) : data_(data), size_(size) {}

  std::byte* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace sluice::storage
