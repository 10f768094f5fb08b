// Inputs and helpers shared by the compression tests.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/compression/codec.h"
#include "tests/protocol/golden_files.h"

namespace sluice::protocol::testing {

inline constexpr std::size_t kKiB = 1024;
inline constexpr std::size_t kMiB = 1024 * 1024;

inline constexpr CompressionType kAllCodecs[] = {CompressionType::kGzip, CompressionType::kSnappy,
                                                 CompressionType::kLz4, CompressionType::kZstd};

inline std::span<const std::uint8_t> as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// Incompressible bytes, the same for a given seed.
inline std::vector<std::uint8_t> random_bytes(std::size_t n, std::uint32_t seed = 1) {
  std::mt19937 rng(seed);
  std::vector<std::uint8_t> out(n);
  for (auto& b : out) b = static_cast<std::uint8_t>(rng());
  return out;
}

// Record-like text that compresses well but not to nothing.
inline std::vector<std::uint8_t> compressible_bytes(std::size_t n) {
  std::vector<std::uint8_t> out;
  out.reserve(n + 64);
  for (std::size_t i = 0; out.size() < n; ++i) {
    const std::string line = "{\"order\":" + std::to_string(i % 977) + ",\"status\":\"shipped\"}\n";
    out.insert(out.end(), line.begin(), line.end());
  }
  out.resize(n);
  return out;
}

// 64 MiB of zeros, made once: the decompression bomb payload.
inline const std::vector<std::uint8_t>& zeros_64mib() {
  static const std::vector<std::uint8_t> zeros(64 * kMiB, 0);
  return zeros;
}

inline std::vector<std::uint8_t> compress_or_fail(CompressionType type, std::span<const std::uint8_t> input,
                                                  const CompressOptions& options = {}) {
  std::vector<std::uint8_t> out;
  const Status s = compress(type, input, out, options);
  EXPECT_TRUE(s.ok()) << compression_name(type) << ": " << s.detail;
  return out;
}

inline std::vector<std::uint8_t> records_data(const std::string& name) {
  return read_file(std::filesystem::path(SLUICE_SOURCE_DIR) / "tests/protocol/records/data" / name);
}

inline std::string codec_param_name(CompressionType type) { return std::string(compression_name(type)); }

}  // namespace sluice::protocol::testing
