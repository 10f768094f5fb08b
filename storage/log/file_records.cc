#include "storage/log/file_records.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "storage/checkpoint/atomic_file.h"

namespace sluice::storage {

using protocol::ErrorCode;
using protocol::Result;
using protocol::Status;
namespace layout = protocol::batch_layout;

Result<std::unique_ptr<FileRecords>> FileRecords::open(const std::filesystem::path& path, bool create) {
  const int flags = O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0);
  UniqueFd fd(::open(path.c_str(), flags, 0644));
  if (!fd.valid()) return storage_error("open", path, errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return storage_error("stat", path, errno);
  auto handle = std::make_shared<FileHandle>(std::move(fd));
  return std::make_unique<FileRecords>(path, std::move(handle), static_cast<std::uint64_t>(st.st_size));
}

Result<std::uint64_t> FileRecords::append(std::span<const std::uint8_t> bytes) {
  const std::uint64_t start = size();
  std::uint64_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::pwrite(file_->fd(), bytes.data() + done, bytes.size() - done, static_cast<off_t>(start + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : ENOSPC;
      // Leave no partial batch behind (disk full mid-write).
      (void)::ftruncate(file_->fd(), static_cast<off_t>(start));
      return storage_error("append to", path_, err);
    }
    done += static_cast<std::uint64_t>(n);
  }
  size_.store(start + bytes.size(), std::memory_order_release);
  return start;
}

Status FileRecords::read(std::uint64_t position, std::uint64_t length, std::vector<std::uint8_t>& out) const {
  const std::uint64_t end = size();
  out.clear();
  if (position >= end) return {};
  length = std::min(length, end - position);
  out.resize(length);
  std::uint64_t done = 0;
  while (done < length) {
    const ssize_t n = ::pread(file_->fd(), out.data() + done, length - done, static_cast<off_t>(position + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return storage_error("read", path_, errno);
    if (n == 0) break;  // truncated under us
    done += static_cast<std::uint64_t>(n);
  }
  out.resize(done);
  return {};
}

Result<std::optional<protocol::RecordBatchHeader>> FileRecords::batch_header_at(std::uint64_t position) const {
  std::vector<std::uint8_t> buf;
  if (Status s = read(position, layout::kHeaderSize, buf); !s.ok()) return s;
  if (buf.size() < layout::kHeaderSize) return std::optional<protocol::RecordBatchHeader>();
  Result<protocol::RecordBatchHeader> h = protocol::parse_batch_header(buf);
  if (!h) return h.status();
  if (position + h->size_in_bytes() > size()) return std::optional<protocol::RecordBatchHeader>();
  return std::optional<protocol::RecordBatchHeader>(*h);
}

Result<std::optional<BatchPosition>> FileRecords::search_for_offset(std::int64_t target,
                                                                    std::uint64_t start_position) const {
  std::uint64_t position = start_position;
  for (;;) {
    auto h = batch_header_at(position);
    if (!h) return h.status();
    if (!h->has_value()) return std::optional<BatchPosition>();
    if ((*h)->last_offset() >= target) return std::optional<BatchPosition>(BatchPosition{position, **h});
    position += (*h)->size_in_bytes();
  }
}

FileSlice FileRecords::slice(std::uint64_t position, std::uint64_t length) const {
  const std::uint64_t end = size();
  if (position >= end) return FileSlice{file_, end, 0};
  return FileSlice{file_, position, std::min(length, end - position)};
}

Status FileRecords::flush() const {
  if (::fdatasync(file_->fd()) != 0) return storage_error("flush", path_, errno);
  return {};
}

Status FileRecords::truncate_to(std::uint64_t new_size) {
  if (new_size >= size()) return {};
  if (::ftruncate(file_->fd(), static_cast<off_t>(new_size)) != 0) return storage_error("truncate", path_, errno);
  size_.store(new_size, std::memory_order_release);
  return {};
}

Status FileRecords::rename_to(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::rename(path_, path, ec);
  if (ec) return storage_error("rename", path_, ec.value());
  path_ = path;
  return {};
}

Status FileRecords::remove() {
  std::error_code ec;
  std::filesystem::remove(path_, ec);
  if (ec) return storage_error("delete", path_, ec.value());
  return {};
}

}  // namespace sluice::storage
