#include "storage/index/mapped_region.h"

#include <sys/mman.h>

#include <cerrno>

#include "storage/checkpoint/atomic_file.h"

namespace sluice::storage {

using protocol::Result;
using protocol::Status;

MappedRegion& MappedRegion::operator=(MappedRegion&& other) noexcept {
  if (this != &other) {
    unmap();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

Result<MappedRegion> MappedRegion::map(int fd, std::size_t size, bool writable, const std::filesystem::path& path) {
  if (size == 0) return MappedRegion();
  const int prot = PROT_READ | (writable ? PROT_WRITE : 0);
  void* p = ::mmap(nullptr, size, prot, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) return storage_error("mmap", path, errno);
  return MappedRegion(static_cast<std::byte*>(p), size);
}

Status MappedRegion::sync(const std::filesystem::path& path) const {
  if (data_ == nullptr) return Status::Ok();
  if (::msync(data_, size_, MS_SYNC) != 0) return storage_error("msync", path, errno);
  return Status::Ok();
}

void MappedRegion::unmap() {
  if (data_ != nullptr) ::munmap(data_, size_);
  data_ = nullptr;
  size_ = 0;
}

}  // namespace sluice::storage
