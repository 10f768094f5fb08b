// Compression of record payloads for every Kafka codec, and decompression
// bounded by a caller-chosen limit: a small compressed batch can never make
// the broker allocate more than that limit (decompression bombs).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "protocol/compression/compression_type.h"
#include "protocol/result.h"

namespace sluice::protocol {

struct CompressOptions {
  // Codec-specific level (KIP-390); the codec's default when empty.
  std::optional<int> level;
  // LZ4 only: write the KAFKA-3160 header checksum old consumers expect.
  bool lz4_kafka3160_checksum = false;

  // What Kafka writes for a batch or message set of `magic`: magic 0 LZ4
  // carries the KAFKA-3160 checksum.
  static CompressOptions for_magic(std::int8_t magic, std::optional<int> level = std::nullopt) {
    CompressOptions o;
    o.level = level;
    o.lz4_kafka3160_checksum = magic == 0;
    return o;
  }
};

// Appends the compressed form of `input` to `out` (kNone appends it as is).
// Snappy is written in xerial framing, as Java producers do.
Status compress(CompressionType type, std::span<const std::uint8_t> input, std::vector<std::uint8_t>& out,
                const CompressOptions& options = {});

// Decompresses `input`. More than `max_output_bytes` of output fails with
// RECORD_LIST_TOO_LARGE; malformed input with CORRUPT_MESSAGE.
Result<std::vector<std::uint8_t>> decompress(CompressionType type, std::span<const std::uint8_t> input,
                                             std::size_t max_output_bytes);

}  // namespace sluice::protocol
