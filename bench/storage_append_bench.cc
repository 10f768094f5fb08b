// Append throughput of the partition log against the disk's own pace:
// 64 MiB of 16 KiB producer batches through Log::append_as_leader (validate,
// assign offsets, write to the page cache, index) versus a plain sequential
// write() of the same batches to a file in the same directory; and the same
// batches from an idempotent producer. Each run starts on a new file and
// leaves flushing to the kernel, as Kafka does without flush.messages.
// run_storage.sh reports the ratios.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <string>

#include "bench/storage_bench_util.h"
#include "storage/background/scheduler.h"
#include "storage/clock.h"
#include "storage/log/log.h"

namespace sluice::storage {
namespace {

constexpr std::size_t kRunBytes = 64 << 20;

// Appends `batches` to a new log per iteration.
void append_all(benchmark::State& state, std::vector<std::vector<std::uint8_t>> batches, const char* name) {
  SystemClock clock;
  Scheduler scheduler(1);
  bench::BenchDir dir(name);
  const auto config = std::make_shared<LogConfig>();
  std::vector<RecordError> errors;
  int run = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto log = Log::open(dir.path() / ("bench-" + std::to_string(run++)), TopicPartition{"bench", 0}, config,
                         LogOpenOptions{}, clock, scheduler);
    if (!log.ok()) {
      state.SkipWithError(log.status().detail.c_str());
      break;
    }
    state.ResumeTiming();
    for (auto& batch : batches) {
      auto info = (*log)->append_as_leader(batch, 0, AppendOrigin::kClient, errors);
      if (!info.ok()) state.SkipWithError(info.status().detail.c_str());
    }
    state.PauseTiming();
    (void)(*log)->delete_all();
    state.ResumeTiming();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bench::total_size(batches)));
  state.counters["batches"] = static_cast<double>(batches.size());
}

void BM_LogAppend16KiBBatches(benchmark::State& state) {
  append_all(state, bench::producer_batches(kRunBytes, SystemClock().now_ms()), "append");
}
BENCHMARK(BM_LogAppend16KiBBatches)->UseRealTime()->Unit(benchmark::kMillisecond);

// The same batches from an idempotent producer: the producer state checks
// (epoch, sequence, duplicate window) on every append.
void BM_LogAppendIdempotent16KiBBatches(benchmark::State& state) {
  append_all(state, bench::producer_batches(kRunBytes, SystemClock().now_ms(), 42), "append-idempotent");
}
BENCHMARK(BM_LogAppendIdempotent16KiBBatches)->UseRealTime()->Unit(benchmark::kMillisecond);

// The baseline: one write() per batch, the same syscall pattern.
void BM_WriteSameBytesToAFile(benchmark::State& state) {
  SystemClock clock;
  bench::BenchDir dir("write");
  const std::vector<std::vector<std::uint8_t>> batches = bench::producer_batches(kRunBytes, clock.now_ms());
  int run = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const std::filesystem::path path = dir.path() / ("plain-" + std::to_string(run++) + ".log");
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
      state.SkipWithError("cannot create the file");
      break;
    }
    state.ResumeTiming();
    for (const auto& batch : batches) {
      if (::write(fd, batch.data(), batch.size()) != static_cast<ssize_t>(batch.size())) {
        state.SkipWithError("short write");
      }
    }
    state.PauseTiming();
    ::close(fd);
    ::unlink(path.c_str());
    state.ResumeTiming();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bench::total_size(batches)));
}
BENCHMARK(BM_WriteSameBytesToAFile)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace sluice::storage
