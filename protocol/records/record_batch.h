// RecordBatch v2 (magic 2, KIP-98): Kafka's on-wire and on-disk unit of
// records. The header is fixed-size; the CRC-32C covers everything from the
// attributes on, so the base offset and partition leader epoch can be set in
// place by the log without recomputing it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "protocol/compression/compression_type.h"
#include "protocol/records/record.h"
#include "protocol/result.h"

namespace sluice::protocol {

enum class TimestampType : std::int8_t { kNone = -1, kCreateTime = 0, kLogAppendTime = 1 };

inline constexpr std::int64_t kNoTimestamp = -1;
inline constexpr std::int64_t kNoProducerId = -1;
inline constexpr std::int16_t kNoProducerEpoch = -1;
inline constexpr std::int32_t kNoSequence = -1;
inline constexpr std::int32_t kNoPartitionLeaderEpoch = -1;
inline constexpr std::int8_t kCurrentMagic = 2;

// Byte offsets of the header fields.
namespace batch_layout {
inline constexpr std::size_t kBaseOffset = 0;
inline constexpr std::size_t kLength = 8;
inline constexpr std::size_t kPartitionLeaderEpoch = 12;
inline constexpr std::size_t kMagic = 16;  // at the same place in legacy messages
inline constexpr std::size_t kCrc = 17;
inline constexpr std::size_t kAttributes = 21;  // first byte the CRC covers
inline constexpr std::size_t kLastOffsetDelta = 23;
inline constexpr std::size_t kBaseTimestamp = 27;
inline constexpr std::size_t kMaxTimestamp = 35;
inline constexpr std::size_t kProducerId = 43;
inline constexpr std::size_t kProducerEpoch = 51;
inline constexpr std::size_t kBaseSequence = 53;
inline constexpr std::size_t kRecordsCount = 57;
inline constexpr std::size_t kRecords = 61;

inline constexpr std::size_t kLogOverhead = 12;  // base offset + length
inline constexpr std::size_t kHeaderSize = kRecords;
}  // namespace batch_layout

namespace batch_attributes {
inline constexpr std::int16_t kTimestampType = 0x08;
inline constexpr std::int16_t kTransactional = 0x10;
inline constexpr std::int16_t kControl = 0x20;
inline constexpr std::int16_t kDeleteHorizon = 0x40;  // KIP-534
}  // namespace batch_attributes

struct RecordBatchHeader {
  std::int64_t base_offset = 0;
  std::int32_t batch_length = 0;  // bytes after the length field
  std::int32_t partition_leader_epoch = kNoPartitionLeaderEpoch;
  std::int8_t magic = kCurrentMagic;
  std::uint32_t crc = 0;
  std::int16_t attributes = 0;
  std::int32_t last_offset_delta = 0;
  std::int64_t base_timestamp = kNoTimestamp;
  std::int64_t max_timestamp = kNoTimestamp;
  std::int64_t producer_id = kNoProducerId;
  std::int16_t producer_epoch = kNoProducerEpoch;
  std::int32_t base_sequence = kNoSequence;
  std::int32_t records_count = 0;

  // nullopt for codec ids 5-7.
  std::optional<CompressionType> compression() const { return compression_from_attributes(attributes); }
  bool is_compressed() const { return (attributes & kCompressionTypeMask) != 0; }
  TimestampType timestamp_type() const {
    return (attributes & batch_attributes::kTimestampType) ? TimestampType::kLogAppendTime : TimestampType::kCreateTime;
  }
  bool is_transactional() const { return attributes & batch_attributes::kTransactional; }
  bool is_control() const { return attributes & batch_attributes::kControl; }
  bool has_delete_horizon() const { return attributes & batch_attributes::kDeleteHorizon; }
  bool has_producer_id() const { return producer_id >= 0; }

  std::int64_t last_offset() const { return base_offset + last_offset_delta; }
  std::int64_t next_offset() const { return last_offset() + 1; }
  std::size_t size_in_bytes() const { return batch_layout::kLogOverhead + static_cast<std::size_t>(batch_length); }
  // Kafka's sequence arithmetic wraps at INT32_MAX.
  std::int32_t last_sequence() const;
};

// A record's offset and timestamp from its batch's bases (wrapping_add: the
// deltas come off the wire or a disk unchecked).
std::int64_t record_offset(const RecordBatchHeader& h, const Record& r);
std::int64_t record_timestamp(const RecordBatchHeader& h, const Record& r);

// The offset, size and magic every log entry starts with, for batches and
// legacy messages alike.
struct EntryHeader {
  std::int64_t offset = 0;
  std::int32_t size = 0;  // bytes after the size field
  std::int8_t magic = 0;

  std::size_t size_in_bytes() const { return batch_layout::kLogOverhead + static_cast<std::size_t>(size); }
};

// Reads the first 17 bytes of an entry; CORRUPT_MESSAGE when they are not all
// there or the size is below the smallest legacy message.
Result<EntryHeader> peek_entry(std::span<const std::uint8_t> bytes);

// Parses a v2 header from the first 61 bytes of `bytes`; checks the magic and
// that the length covers at least the header. Does not check the CRC.
Result<RecordBatchHeader> parse_batch_header(std::span<const std::uint8_t> bytes);

// A whole v2 batch in a buffer owned elsewhere.
class RecordBatchView {
 public:
  // `bytes` must hold the whole batch; trailing bytes beyond it are ignored.
  static Result<RecordBatchView> parse(std::span<const std::uint8_t> bytes);

  const RecordBatchHeader& header() const { return header_; }
  std::span<const std::uint8_t> bytes() const { return bytes_; }
  std::span<const std::uint8_t> records_section() const { return bytes_.subspan(batch_layout::kRecords); }

  std::uint32_t compute_crc() const;
  bool crc_ok() const { return compute_crc() == header_.crc; }

  // Decodes every record. Compressed records are inflated into `scratch`
  // (at most `max_decompressed` bytes) and the records view into it.
  Status records(std::vector<Record>& out, std::vector<std::uint8_t>& scratch, std::size_t max_decompressed) const;

 private:
  RecordBatchHeader header_;
  std::span<const std::uint8_t> bytes_;
};

// The entries of a buffer of concatenated batches or legacy messages, as a
// produce request or a log segment holds them. Stops at the end, or at an
// entry that is cut short or malformed (then error() says why).
class EntryIterator {
 public:
  explicit EntryIterator(std::span<const std::uint8_t> bytes) : rest_(bytes) {}

  // The next whole entry, or nullopt at the end or on an error.
  std::optional<std::span<const std::uint8_t>> next();
  // Bytes left unread: a partial entry (fetch responses may end with one), or
  // nothing.
  std::size_t remaining() const { return rest_.size(); }
  const Status& error() const { return error_; }

 private:
  std::span<const std::uint8_t> rest_;
  Status error_;
};

// In-place updates on a batch held in a mutable buffer, as the log assigns
// offsets and stamps LogAppendTime.
void set_base_offset(std::span<std::uint8_t> batch, std::int64_t base_offset);
void set_partition_leader_epoch(std::span<std::uint8_t> batch, std::int32_t epoch);
// Sets the timestamp type bit and max timestamp, and recomputes the CRC.
void set_max_timestamp(std::span<std::uint8_t> batch, TimestampType type, std::int64_t max_timestamp);

// Writes a computed CRC into a batch (after building or changing one).
void update_crc(std::span<std::uint8_t> batch);

}  // namespace sluice::protocol
