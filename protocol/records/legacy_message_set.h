// Legacy message sets, magic 0 and 1 (before KIP-98): what Produce v0-v2
// clients send and Fetch v0-v3 clients expect. Each message is
//   offset int64, size int32, crc uint32 (CRC-32 of what follows),
//   magic int8, attributes int8, [timestamp int64, magic 1],
//   key bytes, value bytes (int32 lengths, -1 for null).
// A compressed message is a wrapper whose value is a compressed inner message
// set; magic 1 inner offsets are relative to the wrapper (KIP-31), magic 0
// inner offsets are absolute.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "protocol/compression/compression_type.h"
#include "protocol/records/record.h"
#include "protocol/records/record_batch.h"
#include "protocol/result.h"

namespace sluice::protocol {

namespace legacy_attributes {
inline constexpr std::int8_t kTimestampType = 0x08;  // magic 1 only
}

struct LegacyMessage {
  std::int64_t offset = 0;
  std::int8_t magic = 1;
  std::int8_t attributes = 0;
  std::int64_t timestamp = kNoTimestamp;  // kNoTimestamp for magic 0
  NullableBytes key;
  NullableBytes value;

  TimestampType timestamp_type() const {
    if (magic == 0) return TimestampType::kNone;
    return (attributes & legacy_attributes::kTimestampType) ? TimestampType::kLogAppendTime
                                                            : TimestampType::kCreateTime;
  }
};

// What a legacy message set held, flattened: compressed wrappers are inflated
// (at most `max_decompressed` bytes in all) and every message has its absolute
// offset. Views point into the input or into `scratch`, which must outlive
// them. Every CRC is checked; a bad one is CORRUPT_MESSAGE.
struct LegacyMessageSet {
  std::vector<LegacyMessage> messages;
  std::vector<std::vector<std::uint8_t>> scratch;
  // The codec of the first compressed wrapper, kNone when none was.
  CompressionType source_compression = CompressionType::kNone;
};
Result<LegacyMessageSet> read_legacy_message_set(std::span<const std::uint8_t> bytes, std::size_t max_decompressed);

// Writes legacy messages of one magic, compressed into one wrapper when a
// codec is given (Kafka writes magic 0 LZ4 with the KAFKA-3160 checksum).
class LegacyMessageSetBuilder {
 public:
  LegacyMessageSetBuilder(std::int8_t magic, CompressionType compression,
                          TimestampType timestamp_type = TimestampType::kCreateTime,
                          std::int64_t log_append_time = kNoTimestamp);

  void append(std::int64_t offset, std::int64_t timestamp, NullableBytes key, NullableBytes value);
  bool empty() const { return entries_.empty(); }

  Result<std::vector<std::uint8_t>> build() const;

 private:
  struct Entry {
    std::int64_t offset;
    std::int64_t timestamp;
    NullableBytes key;
    NullableBytes value;
  };

  std::int8_t magic_;
  CompressionType compression_;
  TimestampType timestamp_type_;
  std::int64_t log_append_time_;
  std::vector<Entry> entries_;
};

}  // namespace sluice::protocol
