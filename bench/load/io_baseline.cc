#include "bench/load/io_baseline.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "storage/checkpoint/unique_fd.h"

namespace sluice::bench {

using storage::UniqueFd;
namespace {

using protocol::ErrorCode;
using protocol::Status;
using Clock = std::chrono::steady_clock;

Status io_error(const std::string& what, const std::filesystem::path& p) {
  return {ErrorCode::KAFKA_STORAGE_ERROR, what + " " + p.string() + ": " + std::strerror(errno)};
}

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// "<topic>-<digits>" for one of `topics`.
bool is_partition_dir(const std::string& name, const std::vector<std::string>& topics) {
  for (const std::string& t : topics) {
    if (name.size() <= t.size() + 1 || !name.starts_with(t) || name[t.size()] != '-') continue;
    const std::string_view rest = std::string_view(name).substr(t.size() + 1);
    bool digits = true;
    for (const char c : rest) digits = digits && c >= '0' && c <= '9';
    if (digits) return true;
  }
  return false;
}

Status read_all(const std::vector<std::filesystem::path>& files, std::vector<char>& buf, std::int64_t& total) {
  total = 0;
  for (const auto& f : files) {
    UniqueFd fd(::open(f.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) return io_error("open", f);
    for (;;) {
      const ssize_t n = ::read(fd.get(), buf.data(), buf.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return io_error("read", f);
      if (n == 0) break;
      total += n;
    }
  }
  return {};
}

}  // namespace

protocol::Result<DiskWrite> write_sequential(const std::filesystem::path& dir, std::int64_t bytes, std::size_t chunk,
                                             bool keep) {
  // The pid keeps the files of successive runs apart.
  const std::filesystem::path path = dir / ("sluice-load-dd-" + std::to_string(::getpid()) + ".bin");
  std::vector<char> buf(chunk, 'x');
  DiskWrite out;
  {
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!fd.valid()) return io_error("create", path);
    const auto start = Clock::now();
    while (out.bytes < bytes) {
      const std::size_t want = static_cast<std::size_t>(std::min<std::int64_t>(bytes - out.bytes, buf.size()));
      const ssize_t n = ::write(fd.get(), buf.data(), want);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        std::filesystem::remove(path);
        return io_error("write", path);
      }
      out.bytes += n;
    }
    out.seconds = since(start);
    if (::fsync(fd.get()) != 0) return io_error("fsync", path);
    out.fsync_seconds = since(start);
  }
  if (!keep) {
    std::error_code ec;
    std::filesystem::remove(path, ec);
  }
  return out;
}

protocol::Result<CacheRead> read_segments(const std::filesystem::path& data_dir, const std::vector<std::string>& topics,
                                          std::size_t chunk) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(data_dir, ec)) {
    if (!entry.is_directory() || !is_partition_dir(entry.path().filename().string(), topics)) continue;
    for (const auto& f : std::filesystem::directory_iterator(entry.path(), ec)) {
      if (f.is_regular_file() && f.path().extension() == ".log") files.push_back(f.path());
    }
  }
  if (ec) return Status{ErrorCode::KAFKA_STORAGE_ERROR, "list " + data_dir.string() + ": " + ec.message()};
  if (files.empty()) return Status{ErrorCode::KAFKA_STORAGE_ERROR, "no segment files under " + data_dir.string()};

  std::vector<char> buf(chunk);
  CacheRead out;
  out.files = static_cast<std::int64_t>(files.size());
  if (Status s = read_all(files, buf, out.bytes); !s.ok()) return s;  // warm the page cache
  const auto start = Clock::now();
  if (Status s = read_all(files, buf, out.bytes); !s.ok()) return s;
  out.seconds = since(start);
  return out;
}

}  // namespace sluice::bench
