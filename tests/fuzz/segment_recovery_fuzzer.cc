// libFuzzer target: a partition directory whose only segment holds the
// fuzzer's bytes, opened after an unclean shutdown as LogManager does. Kafka's
// recovery must cope with anything a crash or a bad disk leaves: the log
// opens (truncating what is not a whole valid batch) or fails with an error,
// and a log that opened accepts an append.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "protocol/records/record_batch_builder.h"
#include "storage/clock.h"
#include "storage/log/log.h"
#include "tests/fuzz/batch_crcs.h"

namespace {
namespace fs = std::filesystem;
namespace st = sluice::storage;

// One directory per process, emptied for every input; in memory when the
// machine has /dev/shm, since file system work is most of an input's time.
const fs::path& scratch_dir() {
  static const fs::path dir = (fs::is_directory("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path()) /
                              ("sluice-segment-fuzz-" + std::to_string(::getpid()));
  return dir;
}

// Small indexes (less to allocate per input) with an entry every 64 bytes,
// so that recovery rebuilds them entry by entry.
std::shared_ptr<st::LogConfig> small_index_config() {
  auto config = std::make_shared<st::LogConfig>();
  config->segment_index_bytes = 64 * 1024;
  config->index_interval_bytes = 64;
  return config;
}
}  // namespace

// The input is the segment and one byte more: when that byte is odd, the
// segment's batches get right CRCs, so that recovery goes past the check into
// records, producer state and the rebuilt indexes; when even, they stay as
// they came, wrong CRCs and all.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::vector<std::uint8_t> segment(data, data + size - 1);
  if (data[size - 1] & 1) sluice::fuzz::make_batch_crcs_right(segment);
  const fs::path dir = scratch_dir() / "topic-0";
  fs::remove_all(scratch_dir());
  fs::create_directories(dir);
  std::ofstream(dir / "00000000000000000000.log", std::ios::binary)
      .write(reinterpret_cast<const char*>(segment.data()), static_cast<std::streamsize>(segment.size()));

  st::ManualClock clock;
  st::Scheduler scheduler{1};
  st::LogOpenOptions options;
  options.had_clean_shutdown = false;
  options.max_decompressed_bytes = 8 << 20;
  static const std::shared_ptr<st::LogConfig> config = small_index_config();
  auto log = st::Log::open(dir, st::TopicPartition{"topic", 0}, config, options, clock, scheduler);
  if (log) {
    sluice::protocol::BatchOptions batch_options;
    sluice::protocol::RecordBatchBuilder builder(batch_options);
    const std::string value = "v";
    builder.append(clock.now_ms(), std::nullopt,
                   sluice::protocol::Bytes(reinterpret_cast<const std::uint8_t*>(value.data()), value.size()));
    std::vector<st::RecordError> errors;
    if (auto batch = builder.build()) (void)(*log)->append_as_leader(*batch, 0, st::AppendOrigin::kClient, errors);
    (void)(*log)->close();
  }
  return 0;
}
