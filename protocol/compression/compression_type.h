// The codec of a record batch or legacy message: bits 0-2 of its attributes.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace sluice::protocol {

enum class CompressionType : std::uint8_t { kNone = 0, kGzip = 1, kSnappy = 2, kLz4 = 3, kZstd = 4 };

inline constexpr std::int16_t kCompressionTypeMask = 0x07;

// The codec named by an attributes value; nullopt for ids 5-7, which Kafka
// rejects as unknown compression types.
constexpr std::optional<CompressionType> compression_from_attributes(std::int16_t attributes) {
  const int id = attributes & kCompressionTypeMask;
  if (id > static_cast<int>(CompressionType::kZstd)) return std::nullopt;
  return static_cast<CompressionType>(id);
}

constexpr std::string_view compression_name(CompressionType type) {
  switch (type) {
    case CompressionType::kNone:
      return "none";
    case CompressionType::kGzip:
      return "gzip";
    case CompressionType::kSnappy:
      return "snappy";
    case CompressionType::kLz4:
      return "lz4";
    case CompressionType::kZstd:
      return "zstd";
  }
  return "unknown";
}

}  // namespace sluice::protocol
