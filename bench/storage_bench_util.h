// What the storage benchmarks share: a scratch directory on the disk the
// broker would use, and producer-shaped record batches.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "protocol/records/record_batch_builder.h"

namespace sluice::bench {

// A directory under $SLUICE_BENCH_DIR, else the system temp dir (/tmp, the
// same ext4 filesystem as /work on the project machine); removed on exit.
class BenchDir {
 public:
  explicit BenchDir(const std::string& name) {
    const char* root = std::getenv("SLUICE_BENCH_DIR");
    std::random_device rd;
    path_ = (root != nullptr ? std::filesystem::path(root) : std::filesystem::temp_directory_path()) /
            ("sluice-bench-" + name + "-" + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~BenchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  BenchDir(const BenchDir&) = delete;
  BenchDir& operator=(const BenchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Batches as a producer with batch.size=16384 sends them: 15 records with
// 1 KiB random values (about 15.6 KiB a batch), uncompressed, `total_bytes`
// of them in all. With `producer_id` they are an idempotent producer's
// (epoch 0, sequences following on).
inline std::vector<std::vector<std::uint8_t>> producer_batches(std::size_t total_bytes, std::int64_t timestamp,
                                                               std::int64_t producer_id = protocol::kNoProducerId) {
  std::mt19937 rng(7);
  std::string value(1024, '\0');
  std::vector<std::vector<std::uint8_t>> batches;
  std::size_t bytes = 0;
  std::int32_t sequence = 0;
  while (bytes < total_bytes) {
    protocol::BatchOptions options;
    if (producer_id != protocol::kNoProducerId) {
      options.producer_id = producer_id;
      options.producer_epoch = 0;
      options.base_sequence = sequence;
      sequence += 15;
    }
    protocol::RecordBatchBuilder builder(options);
    for (int i = 0; i < 15; ++i) {
      for (char& c : value) c = static_cast<char>('a' + rng() % 26);
      const std::string key = "key-" + std::to_string(timestamp);
      builder.append(timestamp++, protocol::Bytes(reinterpret_cast<const std::uint8_t*>(key.data()), key.size()),
                     protocol::Bytes(reinterpret_cast<const std::uint8_t*>(value.data()), value.size()));
    }
    auto built = builder.build();
    if (!built.ok()) break;
    bytes += built->size();
    batches.push_back(std::move(built).value());
  }
  return batches;
}

inline std::size_t total_size(const std::vector<std::vector<std::uint8_t>>& batches) {
  std::size_t n = 0;
  for (const auto& b : batches) n += b.size();
  return n;
}

}  // namespace sluice::bench
