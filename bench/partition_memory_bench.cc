// Memory of idle partitions: a LogManager opens 1,000 partition logs (one
// small batch each, then nothing), and again at a restart that loads them
// from disk. Reported per partition as the growth of the resident set
// (/proc/self/statm) and of malloc's in-use bytes (mallinfo2, exact even
// when freed heap is reused). Index files are mapped but untouched, so they
// cost address space, not memory. Runs once; run_storage.sh starts it in a
// process of its own so earlier benchmarks' heap does not hide the growth.
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "bench/storage_bench_util.h"
#include "storage/clock.h"
#include "storage/log/log_manager.h"

namespace sluice::storage {
namespace {

constexpr int kPartitions = 1000;

struct Usage {
  double rss_kib = 0;
  double heap_kib = 0;
};

Usage usage_now() {
  Usage u;
  long pages = 0;
  long resident = 0;
  if (std::FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  u.rss_kib = static_cast<double>(resident) * static_cast<double>(::sysconf(_SC_PAGESIZE)) / 1024.0;
  const struct mallinfo2 m = ::mallinfo2();
  u.heap_kib = static_cast<double>(m.uordblks + m.hblkhd) / 1024.0;
  return u;
}

LogManagerConfig manager_config(const std::filesystem::path& dir) {
  LogManagerConfig config;
  config.log_dirs = {dir};
  config.cleaner_enable = false;
  return config;
}

void BM_IdlePartitions1000(benchmark::State& state) {
  for (auto _ : state) {
    bench::BenchDir dir("partitions");
    SystemClock clock;
    const auto log_config = std::make_shared<const LogConfig>();
    const auto config_for = [&](const std::string&) { return log_config; };
    const protocol::Uuid topic_id{0x5155494345000001ULL, 1};
    std::vector<std::uint8_t> batch = bench::producer_batches(1, clock.now_ms()).front();
    std::vector<RecordError> errors;

    Usage before;
    Usage created;
    {
      auto manager = LogManager::open(manager_config(dir.path()), clock);
      if (!manager.ok() || !(*manager)->load_logs(config_for).ok()) {
        state.SkipWithError("cannot open the log manager");
        return;
      }
      // Warm up what the first logs allocate once (threads, caches).
      for (int p = 0; p < 10; ++p) (void)(*manager)->get_or_create_log({"warmup", p}, topic_id, log_config);
      before = usage_now();
      for (int p = 0; p < kPartitions; ++p) {
        auto log = (*manager)->get_or_create_log({"idle-" + std::to_string(p / 100), p % 100}, topic_id, log_config);
        if (!log.ok() || !(*log)->append_as_leader(batch, 0, AppendOrigin::kClient, errors).ok()) {
          state.SkipWithError("cannot create a partition");
          return;
        }
      }
      created = usage_now();
      (void)(*manager)->shutdown();
    }

    auto manager = LogManager::open(manager_config(dir.path()), clock);
    if (!manager.ok()) {
      state.SkipWithError("cannot reopen the log manager");
      return;
    }
    const Usage before_load = usage_now();
    if (!(*manager)->load_logs(config_for).ok() || (*manager)->all_logs().size() != kPartitions + 10) {
      state.SkipWithError("cannot load the partitions");
      return;
    }
    const Usage loaded = usage_now();
    state.counters["rss_KiB_per_partition_created"] = (created.rss_kib - before.rss_kib) / kPartitions;
    state.counters["heap_KiB_per_partition_created"] = (created.heap_kib - before.heap_kib) / kPartitions;
    state.counters["rss_KiB_per_partition_loaded"] = (loaded.rss_kib - before_load.rss_kib) / (kPartitions + 10);
    state.counters["heap_KiB_per_partition_loaded"] = (loaded.heap_kib - before_load.heap_kib) / (kPartitions + 10);
    (void)(*manager)->shutdown();
  }
}
BENCHMARK(BM_IdlePartitions1000)->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace sluice::storage
