// The Fetch path's cost per byte: consumer-sized reads (1 MiB, the default
// max.partition.fetch.bytes) sweeping a 64 MiB segment that is in the page
// cache, sent to a loopback TCP connection that a reader thread drains.
//   BM_FetchSendfile:        Log::read (index lookup) + sendfile(2), zero-copy
//   BM_FetchReadWrite:       pread into a buffer + write(2), what `cat` does
//   BM_FetchReadIntoBuffer:  pread into a buffer only (no socket at all)
// Every socket run waits until the reader has received all it sent.
// run_storage.sh reports sendfile's throughput as a ratio to the other two.
#include <arpa/inet.h>
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <thread>

#include "bench/storage_bench_util.h"
#include "storage/background/scheduler.h"
#include "storage/clock.h"
#include "storage/log/log.h"

namespace sluice::storage {
namespace {

constexpr std::size_t kSegmentBytes = 64 << 20;
constexpr std::uint64_t kFetchBytes = 1 << 20;

// One fetch of the sweep: where it starts and the file range it sends.
struct Fetch {
  std::int64_t offset;
  std::uint64_t position;
  std::uint64_t length;
};

// A 64 MiB log and the fetches a consumer reading it from the start makes
// (each next fetch starts at the batch the previous one cut short).
class SegmentFixture {
 public:
  SegmentFixture() : dir_("read") {
    auto log = Log::open(dir_.path() / "bench-0", TopicPartition{"bench", 0}, std::make_shared<LogConfig>(),
                         LogOpenOptions{}, clock_, scheduler_);
    if (!log.ok()) return;
    log_ = *log;
    std::vector<RecordError> errors;
    for (auto& batch : bench::producer_batches(kSegmentBytes, clock_.now_ms())) {
      auto info = log_->append_as_leader(batch, 0, AppendOrigin::kClient, errors);
      if (!info.ok()) return;
      first_offsets_.push_back(info->first_offset);
      positions_.push_back(bytes_);
      bytes_ += batch.size();
    }
    log_->update_high_watermark(log_->log_end_offset());
    for (std::int64_t offset = 0; offset < log_->log_end_offset();) {
      auto r = log_->read(offset, kFetchBytes, FetchIsolation::kHighWatermark, true);
      if (!r.ok() || r->records.empty()) return;
      fetches_.push_back(Fetch{offset, r->records.position, r->records.length});
      // The next fetch starts at the batch holding the first byte not sent.
      const std::uint64_t end = r->records.position + r->records.length;
      if (end >= bytes_) break;
      const auto it = std::upper_bound(positions_.begin(), positions_.end(), end);
      offset = first_offsets_[static_cast<std::size_t>(it - positions_.begin()) - 1];
    }
    fd_ = log_->segments().front()->log().slice(0, 0).file->fd();
    ok_ = true;
  }

  bool ok() const { return ok_; }
  const Log& log() const { return *log_; }
  int fd() const { return fd_; }
  const std::vector<Fetch>& fetches() const { return fetches_; }
  std::uint64_t sweep_bytes() const {
    std::uint64_t n = 0;
    for (const Fetch& f : fetches_) n += f.length;
    return n;
  }

 private:
  SystemClock clock_;
  Scheduler scheduler_{1};
  bench::BenchDir dir_;
  std::shared_ptr<Log> log_;
  std::vector<std::int64_t> first_offsets_;
  std::vector<std::uint64_t> positions_;
  std::uint64_t bytes_ = 0;
  std::vector<Fetch> fetches_;
  int fd_ = -1;
  bool ok_ = false;
};

// A loopback TCP connection whose far end a thread drains, counting bytes.
class DrainedSocket {
 public:
  DrainedSocket() {
    const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listener, 1) != 0 ||
        ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ::close(listener);
      return;
    }
    send_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (::connect(send_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(listener);
      return;
    }
    recv_fd_ = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    ::close(listener);
    reader_ = std::thread([this] {
      std::vector<char> buf(1 << 20);
      for (;;) {
        const ssize_t n = ::recv(recv_fd_, buf.data(), buf.size(), 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        received_.fetch_add(static_cast<std::uint64_t>(n), std::memory_order_release);
      }
    });
  }
  ~DrainedSocket() {
    if (send_fd_ >= 0) ::shutdown(send_fd_, SHUT_WR);
    if (reader_.joinable()) reader_.join();
    if (send_fd_ >= 0) ::close(send_fd_);
    if (recv_fd_ >= 0) ::close(recv_fd_);
  }
  DrainedSocket(const DrainedSocket&) = delete;
  DrainedSocket& operator=(const DrainedSocket&) = delete;

  bool ok() const { return recv_fd_ >= 0; }
  int fd() const { return send_fd_; }
  // Waits until the reader has received `total` bytes since the start.
  void wait_received(std::uint64_t total) const {
    while (received_.load(std::memory_order_acquire) < total) std::this_thread::yield();
  }

 private:
  int send_fd_ = -1;
  int recv_fd_ = -1;
  std::atomic<std::uint64_t> received_{0};
  std::thread reader_;
};

bool write_all(int fd, const std::uint8_t* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

bool pread_all(int fd, std::uint8_t* data, std::size_t size, std::uint64_t position) {
  while (size > 0) {
    const ssize_t n = ::pread(fd, data, size, static_cast<off_t>(position));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
    position += static_cast<std::uint64_t>(n);
  }
  return true;
}

SegmentFixture& fixture() {
  static SegmentFixture f;  // built once for the three benchmarks
  return f;
}

void BM_FetchSendfile(benchmark::State& state) {
  const SegmentFixture& f = fixture();
  DrainedSocket sock;
  if (!f.ok() || !sock.ok()) {
    state.SkipWithError("setup failed");
    return;
  }
  std::uint64_t sent = 0;
  for (auto _ : state) {
    for (const Fetch& fetch : f.fetches()) {
      auto r = f.log().read(fetch.offset, kFetchBytes, FetchIsolation::kHighWatermark, true);
      if (!r.ok() || r->records.length != fetch.length) {
        state.SkipWithError("unexpected read");
        return;
      }
      off_t position = static_cast<off_t>(r->records.position);
      std::uint64_t left = r->records.length;
      while (left > 0) {
        const ssize_t n = ::sendfile(sock.fd(), r->records.file->fd(), &position, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
          state.SkipWithError("sendfile failed");
          return;
        }
        left -= static_cast<std::uint64_t>(n);
      }
      sent += r->records.length;
    }
    sock.wait_received(sent);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * f.sweep_bytes()));
  state.counters["fetches"] = static_cast<double>(f.fetches().size());
}
BENCHMARK(BM_FetchSendfile)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_FetchReadWrite(benchmark::State& state) {
  const SegmentFixture& f = fixture();
  DrainedSocket sock;
  if (!f.ok() || !sock.ok()) {
    state.SkipWithError("setup failed");
    return;
  }
  std::vector<std::uint8_t> buf(kFetchBytes * 2);
  std::uint64_t sent = 0;
  for (auto _ : state) {
    for (const Fetch& fetch : f.fetches()) {
      if (!pread_all(f.fd(), buf.data(), fetch.length, fetch.position) ||
          !write_all(sock.fd(), buf.data(), fetch.length)) {
        state.SkipWithError("read or write failed");
        return;
      }
      sent += fetch.length;
    }
    sock.wait_received(sent);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * f.sweep_bytes()));
}
BENCHMARK(BM_FetchReadWrite)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_FetchReadIntoBuffer(benchmark::State& state) {
  const SegmentFixture& f = fixture();
  if (!f.ok()) {
    state.SkipWithError("setup failed");
    return;
  }
  std::vector<std::uint8_t> buf(kFetchBytes * 2);
  for (auto _ : state) {
    for (const Fetch& fetch : f.fetches()) {
      if (!pread_all(f.fd(), buf.data(), fetch.length, fetch.position)) {
        state.SkipWithError("read failed");
        return;
      }
      benchmark::DoNotOptimize(buf.data());
    }
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * f.sweep_bytes()));
}
BENCHMARK(BM_FetchReadIntoBuffer)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace sluice::storage
