// The process crash_test.cc kills: opens a partition log as after a crash
// (recovering it), then appends batches of varied sizes and codecs forever,
// acknowledging each one on stdout ("appended <last offset>") once
// append_as_leader has returned. Nothing is fsynced: a killed process loses
// nothing the page cache holds, so every acknowledged offset must survive.
//
// Usage: sluice_crash_child <log dir> <seed> <bytes per second>
#include <sys/prctl.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "protocol/records/record_batch_builder.h"
#include "storage/background/scheduler.h"
#include "storage/clock.h"
#include "storage/log/log.h"

namespace sluice::storage {
namespace {

// Small segments and indexes so that rolls, and kills during rolls, happen.
LogConfig crash_config() {
  LogConfig config;
  config.segment_bytes = 2 << 20;
  config.segment_index_bytes = 4096;
  config.index_interval_bytes = 4096;
  return config;
}

std::vector<std::uint8_t> random_batch(std::mt19937_64& rng, std::int64_t timestamp, std::uint64_t seq) {
  protocol::BatchOptions options;
  switch (rng() % 4) {
    case 0:
      options.compression = protocol::CompressionType::kLz4;
      break;
    case 1:
      options.compression = protocol::CompressionType::kZstd;
      break;
    default:
      break;
  }
  protocol::RecordBatchBuilder builder(options);
  // Mostly small values, sometimes 64 KiB ones so one write spans many pages
  // (up to 512 KiB a batch, under max.message.bytes).
  const bool large = rng() % 8 == 0;
  const std::size_t value_size = large ? 65536 : rng() % 4096;
  const int records = 1 + static_cast<int>(rng() % (large ? 8 : 16));
  std::string value(value_size, '\0');
  for (char& c : value) c = static_cast<char>('a' + rng() % 26);
  // The builder keeps views until build(): the keys must outlive it.
  std::vector<std::string> keys;
  keys.reserve(static_cast<std::size_t>(records));
  for (int i = 0; i < records; ++i) {
    const std::string& key = keys.emplace_back("key-" + std::to_string(seq) + "-" + std::to_string(i));
    builder.append(timestamp, protocol::Bytes(reinterpret_cast<const std::uint8_t*>(key.data()), key.size()),
                   protocol::Bytes(reinterpret_cast<const std::uint8_t*>(value.data()), value.size()));
  }
  auto built = builder.build();
  if (!built.ok()) {
    std::fprintf(stderr, "crash_child: cannot build a batch: %s\n", built.status().detail.c_str());
    std::exit(3);
  }
  return std::move(built).value();
}

int run(const char* dir, std::uint64_t seed, double bytes_per_second) {
  // Die with the test rather than outlive it.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() == 1) return 4;

  SystemClock clock;
  Scheduler scheduler(1);
  LogOpenOptions options;
  options.had_clean_shutdown = false;  // no clean shutdown marker, no recovery point checkpoint
  options.recovery_point = 0;
  auto opened = Log::open(dir, TopicPartition{"crash", 0}, std::make_shared<LogConfig>(crash_config()), options, clock,
                          scheduler);
  if (!opened.ok()) {
    std::fprintf(stderr, "crash_child: cannot open %s: %s\n", dir, opened.status().detail.c_str());
    return 2;
  }
  std::shared_ptr<Log> log = *opened;
  std::printf("opened %lld\n", static_cast<long long>(log->log_end_offset()));
  std::fflush(stdout);

  std::mt19937_64 rng(seed);
  const auto start = std::chrono::steady_clock::now();
  double written = 0;
  for (std::uint64_t seq = 0;; ++seq) {
    std::vector<std::uint8_t> batch = random_batch(rng, clock.now_ms(), seq);
    written += static_cast<double>(batch.size());
    std::vector<RecordError> errors;
    auto info = log->append_as_leader(batch, 0, AppendOrigin::kClient, errors);
    if (!info.ok()) {
      std::fprintf(stderr, "crash_child: append failed: %s\n", info.status().detail.c_str());
      return 3;
    }
    std::printf("appended %lld\n", static_cast<long long>(info->last_offset));
    std::fflush(stdout);
    // Hold the pace so the log stays small enough to recover 50 times.
    const auto due = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                 std::chrono::duration<double>(written / bytes_per_second));
    std::this_thread::sleep_until(due);
  }
}

}  // namespace
}  // namespace sluice::storage

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s <log dir> <seed> <bytes per second>\n", argv[0]);
    return 1;
  }
  return sluice::storage::run(argv[1], std::strtoull(argv[2], nullptr, 10), std::strtod(argv[3], nullptr));
}
