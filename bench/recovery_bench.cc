// Recovery time of a log after an unclean shutdown: Log::open with no
// clean-shutdown marker and a recovery point of 0 reads every batch, checks
// its CRC and rebuilds the indexes. Arguments: the log size in MiB, and
// whether its pages are evicted from the page cache first (cold: a restart
// after power loss reads the disk; warm: after a process crash the pages
// are still cached). The default run uses 256 MiB; run_storage.sh --full
// adds 1 GiB.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <map>
#include <memory>
#include <string>

#include "bench/storage_bench_util.h"
#include "storage/background/scheduler.h"
#include "storage/clock.h"
#include "storage/log/log.h"

namespace sluice::storage {
namespace {

// A log of the given size written once per process, shared by warm and cold runs.
class WrittenLog {
 public:
  explicit WrittenLog(std::size_t bytes) : dir_("recovery") {
    auto log = Log::open(path(), TopicPartition{"bench", 0}, std::make_shared<LogConfig>(), LogOpenOptions{}, clock_,
                         scheduler_);
    if (!log.ok()) return;
    std::vector<RecordError> errors;
    // 64 MiB of batches appended over and over (each append assigns new offsets).
    std::vector<std::vector<std::uint8_t>> batches = bench::producer_batches(64 << 20, clock_.now_ms());
    while (bytes_ < bytes) {
      for (auto& batch : batches) {
        if (bytes_ >= bytes) break;
        if (!(*log)->append_as_leader(batch, 0, AppendOrigin::kClient, errors).ok()) return;
        bytes_ += batch.size();
      }
    }
    end_ = (*log)->log_end_offset();
    ok_ = (*log)->close().ok();  // flushed, so the cold runs can evict every page
  }

  std::filesystem::path path() const { return dir_.path() / "bench-0"; }
  bool ok() const { return ok_; }
  std::uint64_t bytes() const { return bytes_; }
  std::int64_t end() const { return end_; }
  Scheduler& scheduler() { return scheduler_; }
  const Clock& clock() const { return clock_; }

  // Drops the segments' pages from the page cache (they are clean).
  void evict() const {
    for (const auto& e : std::filesystem::directory_iterator(path())) {
      const int fd = ::open(e.path().c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) continue;
      (void)::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
      ::close(fd);
    }
  }

 private:
  SystemClock clock_;
  Scheduler scheduler_{1};
  bench::BenchDir dir_;
  std::uint64_t bytes_ = 0;
  std::int64_t end_ = 0;
  bool ok_ = false;
};

WrittenLog& written_log(std::size_t mib) {
  static std::map<std::size_t, std::unique_ptr<WrittenLog>> logs;
  auto& log = logs[mib];
  if (!log) log = std::make_unique<WrittenLog>(mib << 20);
  return *log;
}

void BM_RecoverUncleanLog(benchmark::State& state) {
  WrittenLog& w = written_log(static_cast<std::size_t>(state.range(0)));
  const bool cold = state.range(1) != 0;
  if (!w.ok()) {
    state.SkipWithError("cannot write the log");
    return;
  }
  LogOpenOptions options;
  options.had_clean_shutdown = false;
  options.recovery_point = 0;
  for (auto _ : state) {
    state.PauseTiming();
    if (cold) w.evict();
    state.ResumeTiming();
    auto log = Log::open(w.path(), TopicPartition{"bench", 0}, std::make_shared<LogConfig>(), options, w.clock(),
                         w.scheduler());
    state.PauseTiming();
    if (!log.ok() || (*log)->log_end_offset() != w.end()) {
      state.SkipWithError("recovery lost data");
      return;
    }
    (void)(*log)->close();
    state.ResumeTiming();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * w.bytes()));
  state.counters["MiB"] = static_cast<double>(w.bytes()) / (1 << 20);
}
BENCHMARK(BM_RecoverUncleanLog)
    ->ArgNames({"MiB", "cold"})
    ->Args({256, 0})
    ->Args({256, 1})
    ->Args({1024, 0})
    ->Args({1024, 1})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace sluice::storage
