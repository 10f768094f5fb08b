// Conversion between message formats. Kafka 3.x stores only RecordBatch v2:
// a magic 0/1 produce is up-converted before it is appended, and a Fetch of
// version 0-3 gets its data down-converted (v0-v1 to magic 0, v2-v3 to
// magic 1).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "protocol/compression/compression_type.h"
#include "protocol/records/legacy_message_set.h"
#include "protocol/result.h"

namespace sluice::protocol {

// One v2 batch holding `messages` (offsets from 0, as the log reassigns them),
// compressed with `compression`. Magic 0 messages get no timestamp.
Result<std::vector<std::uint8_t>> up_convert(std::span<const LegacyMessage> messages, CompressionType compression);

// The fetch magic for a Fetch request version.
constexpr std::int8_t fetch_magic_for_version(std::int16_t fetch_version) {
  return fetch_version <= 1 ? 0 : fetch_version <= 3 ? 1 : 2;
}

// Down-converts the whole batches in `batches` to magic `to_magic`, as Kafka's
// RecordsUtil.downConvert: control batches are dropped, a compressed batch
// becomes one compressed wrapper (same codec; zstd cannot be expressed and is
// UNSUPPORTED_COMPRESSION_TYPE), and records of uncompressed batches before
// `first_offset` are left out. A partial batch at the end is dropped.
Result<std::vector<std::uint8_t>> down_convert(std::span<const std::uint8_t> batches, std::int8_t to_magic,
                                               std::int64_t first_offset, std::size_t max_decompressed);

}  // namespace sluice::protocol
