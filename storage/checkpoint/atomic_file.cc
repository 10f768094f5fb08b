#include "storage/checkpoint/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "storage/checkpoint/unique_fd.h"

namespace sluice::storage {

using protocol::ErrorCode;
using protocol::Result;
using protocol::Status;

namespace {

Status write_all(int fd, std::string_view data, const std::filesystem::path& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return storage_error("write", path, errno);
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return Status::Ok();
}

std::filesystem::path parent_of(const std::filesystem::path& p) {
  const auto parent = std::filesystem::absolute(p).lexically_normal().parent_path();
  return parent.empty() ? std::filesystem::path(".") : parent;
}

}  // namespace

Status storage_error(std::string_view what, const std::filesystem::path& path, int err) {
  return Status(ErrorCode::KAFKA_STORAGE_ERROR, std::string(what) + " " + path.string() + ": " + std::strerror(err));
}

std::filesystem::path temp_path_for(const std::filesystem::path& target) {
  std::filesystem::path tmp = target;
  tmp += ".tmp";
  return tmp;
}

Status fsync_directory(const std::filesystem::path& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) return storage_error("open directory", dir, errno);
  if (::fsync(fd.get()) != 0) return storage_error("fsync directory", dir, errno);
  return Status::Ok();
}

Status atomic_move(const std::filesystem::path& source, const std::filesystem::path& target, bool flush_parent_dir) {
  if (::rename(source.c_str(), target.c_str()) != 0) {
    return storage_error("rename " + source.string() + " to", target, errno);
  }
  if (flush_parent_dir) return fsync_directory(parent_of(target));
  return Status::Ok();
}

Status write_file_atomically(const std::filesystem::path& target, std::string_view contents, bool sync) {
  const std::filesystem::path tmp = temp_path_for(target);
  // O_TRUNC: a stale .tmp left by a crash mid-write is simply overwritten.
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666));
  if (!fd.valid()) return storage_error("create", tmp, errno);

  Status st = write_all(fd.get(), contents, tmp);
  if (st.ok() && sync && ::fsync(fd.get()) != 0) st = storage_error("fsync", tmp, errno);
  if (st.ok() && fd.close() != 0) st = storage_error("close", tmp, errno);
  if (st.ok()) st = atomic_move(tmp, target, sync);
  if (!st.ok()) {
    fd.reset();
    ::unlink(tmp.c_str());  // best effort; the target still holds the previous version
  }
  return st;
}

Result<std::optional<std::string>> read_file_if_exists(const std::filesystem::path& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT) return std::optional<std::string>();
    return storage_error("open", path, errno);
  }
  std::string out;
  char buf[8192];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return storage_error("read", path, errno);
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return std::optional<std::string>(std::move(out));
}

}  // namespace sluice::storage
