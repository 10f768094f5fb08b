#include "storage/index/index_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <mutex>

#include "storage/checkpoint/atomic_file.h"
#include "storage/checkpoint/unique_fd.h"

namespace sluice::storage {

using protocol::ErrorCode;
using protocol::Result;
using protocol::Status;

IndexFile::IndexFile(std::filesystem::path path, std::int64_t base_offset, std::int32_t max_index_size, bool writable,
                     std::int32_t entry_size)
    : path_(std::move(path)),
      base_offset_(base_offset),
      max_index_size_(max_index_size),
      writable_(writable),
      entry_size_(entry_size) {}

std::int32_t IndexFile::round_down_to_entries(std::int64_t bytes) const {
  const std::int64_t clamped = std::clamp<std::int64_t>(bytes, 0, std::numeric_limits<std::int32_t>::max());
  return static_cast<std::int32_t>(clamped / entry_size_ * entry_size_);
}

Status IndexFile::open_file() {
  std::unique_lock lock(mutex_);
  bool newly_created = false;
  UniqueFd fd;
  if (writable_) {
    fd = UniqueFd(::open(path_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666));
    if (fd.valid()) {
      newly_created = true;
    } else if (errno == EEXIST) {
      fd = UniqueFd(::open(path_.c_str(), O_RDWR | O_CLOEXEC));
    }
  } else {
    fd = UniqueFd(::open(path_.c_str(), O_RDONLY | O_CLOEXEC));
  }
  if (!fd.valid()) return storage_error("open index", path_, errno);

  if (newly_created) {
    if (max_index_size_ < entry_size_) {
      fd.reset();
      ::unlink(path_.c_str());
      return Status(ErrorCode::INVALID_CONFIG, "Invalid max index size: " + std::to_string(max_index_size_));
    }
    // Sparse preallocation, as Kafka's RandomAccessFile.setLength.
    if (::ftruncate(fd.get(), round_down_to_entries(max_index_size_)) != 0) {
      return storage_error("preallocate index", path_, errno);
    }
  }

  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return storage_error("stat index", path_, errno);
  if (st.st_size > std::numeric_limits<std::int32_t>::max()) {
    return Status(ErrorCode::CORRUPT_MESSAGE,
                  "Index file " + path_.string() + " is " + std::to_string(st.st_size) + " bytes, over 2 GiB");
  }
  auto region = MappedRegion::map(fd.get(), static_cast<std::size_t>(st.st_size), writable_, path_);
  if (!region.ok()) return region.status();

  region_ = std::move(*region);
  open_ = true;
  length_ = st.st_size;
  max_entries_ = static_cast<std::int32_t>(length_ / entry_size_);
  entries_ = newly_created ? 0 : max_entries_;
  on_entries_changed();
  return Status::Ok();
}

std::filesystem::path IndexFile::path() const {
  std::shared_lock lock(mutex_);
  return path_;
}

std::int32_t IndexFile::entries() const {
  std::shared_lock lock(mutex_);
  return entries_;
}

std::int32_t IndexFile::max_entries() const {
  std::shared_lock lock(mutex_);
  return max_entries_;
}

std::int64_t IndexFile::length() const {
  std::shared_lock lock(mutex_);
  return length_;
}

std::int32_t IndexFile::size_in_bytes() const {
  std::shared_lock lock(mutex_);
  return entries_ * entry_size_;
}

bool IndexFile::is_full() const {
  std::shared_lock lock(mutex_);
  return full_locked();
}

bool IndexFile::is_open() const {
  std::shared_lock lock(mutex_);
  return open_;
}

bool IndexFile::can_append_offset(std::int64_t offset) const { return relative_offset(offset).has_value(); }

std::optional<std::int32_t> IndexFile::relative_offset(std::int64_t offset) const {
  // Written as a subtraction-free comparison so huge offsets cannot overflow.
  if (offset < base_offset_ || offset - base_offset_ > std::numeric_limits<std::int32_t>::max()) return std::nullopt;
  return static_cast<std::int32_t>(offset - base_offset_);
}

Status IndexFile::check_open_locked() const {
  if (open_) return Status::Ok();
  return Status(ErrorCode::KAFKA_STORAGE_ERROR, "index " + path_.string() + " is closed");
}

std::int32_t IndexFile::read_i32(std::size_t pos) const {
  const auto* p = reinterpret_cast<const unsigned char*>(region_.data()) + pos;
  const std::uint32_t v =
      (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
  return static_cast<std::int32_t>(v);
}

std::int64_t IndexFile::read_i64(std::size_t pos) const {
  const std::uint64_t hi = static_cast<std::uint32_t>(read_i32(pos));
  const std::uint64_t lo = static_cast<std::uint32_t>(read_i32(pos + 4));
  return static_cast<std::int64_t>((hi << 32) | lo);
}

Status IndexFile::reserve_locked(std::size_t pos, std::size_t len) {
  if (pos >= reserved_begin_ && pos + len <= reserved_end_) return Status::Ok();
  constexpr std::size_t kChunk = 64 * 1024;
  const std::size_t begin = pos / 4096 * 4096;
  const std::size_t end = std::min(static_cast<std::size_t>(length_), std::max(begin + kChunk, pos + len));
  UniqueFd fd(::open(path_.c_str(), O_RDWR | O_CLOEXEC));
  if (!fd.valid()) return storage_error("open index", path_, errno);
  const int err = ::posix_fallocate(fd.get(), static_cast<off_t>(begin), static_cast<off_t>(end - begin));
  if (err != 0) return storage_error("allocate index blocks of", path_, err);
  reserved_begin_ = begin;
  reserved_end_ = end;
  return Status::Ok();
}

void IndexFile::write_i32(std::size_t pos, std::int32_t v) {
  auto* p = reinterpret_cast<unsigned char*>(region_.data()) + pos;
  const auto u = static_cast<std::uint32_t>(v);
  p[0] = static_cast<unsigned char>(u >> 24);
  p[1] = static_cast<unsigned char>(u >> 16);
  p[2] = static_cast<unsigned char>(u >> 8);
  p[3] = static_cast<unsigned char>(u);
}

void IndexFile::write_i64(std::size_t pos, std::int64_t v) {
  const auto u = static_cast<std::uint64_t>(v);
  write_i32(pos, static_cast<std::int32_t>(static_cast<std::uint32_t>(u >> 32)));
  write_i32(pos + 4, static_cast<std::int32_t>(static_cast<std::uint32_t>(u)));
}

void IndexFile::truncate_to_entries_locked(std::int32_t n) {
  entries_ = std::clamp(n, 0, max_entries_);
  on_entries_changed();
}

Result<bool> IndexFile::resize(std::int32_t new_size) {
  std::unique_lock lock(mutex_);
  return resize_locked(new_size);
}

Result<bool> IndexFile::resize_locked(std::int32_t new_size) {
  if (Status st = check_open_locked(); !st.ok()) return st;
  const std::int32_t rounded = round_down_to_entries(new_size);
  if (length_ == rounded) return false;

  UniqueFd fd(::open(path_.c_str(), O_RDWR | O_CLOEXEC));
  if (!fd.valid()) return storage_error("open index", path_, errno);
  // Unmap before changing the length: touching mapped pages past a shrunken
  // end of file would fault (SIGBUS).
  region_.unmap();
  if (::ftruncate(fd.get(), rounded) != 0) {
    const Status err = storage_error("resize index", path_, errno);
    auto old = MappedRegion::map(fd.get(), static_cast<std::size_t>(length_), writable_, path_);
    if (old.ok()) {
      region_ = std::move(*old);
    } else {
      open_ = false;
    }
    return err;
  }
  auto region = MappedRegion::map(fd.get(), static_cast<std::size_t>(rounded), writable_, path_);
  if (!region.ok()) {
    open_ = false;
    return region.status();
  }
  region_ = std::move(*region);
  length_ = rounded;
  reserved_begin_ = reserved_end_ = 0;  // a shrink freed blocks; a grow added holes
  max_entries_ = rounded / entry_size_;
  entries_ = std::min(entries_, max_entries_);
  on_entries_changed();
  return true;
}

Status IndexFile::trim_to_valid_size() {
  std::unique_lock lock(mutex_);
  if (!open_) return Status::Ok();
  auto r = resize_locked(entries_ * entry_size_);
  return r.status();
}

Status IndexFile::flush() const {
  std::shared_lock lock(mutex_);
  if (!open_) return Status::Ok();
  return region_.sync(path_);
}

Status IndexFile::close() {
  std::unique_lock lock(mutex_);
  if (!open_) return Status::Ok();
  const Status trimmed = resize_locked(entries_ * entry_size_).status();
  region_.unmap();
  open_ = false;
  return trimmed;
}

void IndexFile::close_handler() {
  std::unique_lock lock(mutex_);
  region_.unmap();
  open_ = false;
}

Status IndexFile::rename_to(const std::filesystem::path& new_path) {
  std::unique_lock lock(mutex_);
  Status st = atomic_move(path_, new_path, /*flush_parent_dir=*/false);
  if (st.ok()) path_ = new_path;
  return st;
}

Result<bool> IndexFile::delete_if_exists() {
  std::unique_lock lock(mutex_);
  region_.unmap();
  open_ = false;
  if (::unlink(path_.c_str()) != 0) {
    if (errno == ENOENT) return false;
    return storage_error("delete index", path_, errno);
  }
  return true;
}

Status IndexFile::reset() {
  std::unique_lock lock(mutex_);
  if (Status st = check_open_locked(); !st.ok()) return st;
  truncate_to_entries_locked(0);
  return resize_locked(max_index_size_).status();
}

void IndexFile::truncate() {
  std::unique_lock lock(mutex_);
  if (open_) truncate_to_entries_locked(0);
}

}  // namespace sluice::storage
