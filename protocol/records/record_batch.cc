#include "protocol/records/record_batch.h"

#include <cstring>
#include <limits>
#include <string>

#include "protocol/compression/codec.h"
#include "protocol/int_math.h"
#include "protocol/reader.h"
#include "protocol/records/crc32c.h"
#include "protocol/writer.h"

namespace sluice::protocol {
namespace {

// The smallest legacy message (magic 0: crc, magic, attributes, two lengths).
constexpr std::int32_t kMinEntrySize = 14;
constexpr std::int32_t kMinBatchLength =
    static_cast<std::int32_t>(batch_layout::kHeaderSize - batch_layout::kLogOverhead);

template <class T>
void put_be(std::span<std::uint8_t> at, T v) {
  std::uint8_t buf[sizeof(T)];
  Writer w(buf);
  if constexpr (sizeof(T) == 8) w.i64(static_cast<std::int64_t>(v));
  if constexpr (sizeof(T) == 4) w.i32(static_cast<std::int32_t>(v));
  if constexpr (sizeof(T) == 2) w.i16(static_cast<std::int16_t>(v));
  std::memcpy(at.data(), buf, sizeof(T));
}

}  // namespace

std::int32_t RecordBatchHeader::last_sequence() const {
  if (base_sequence == kNoSequence) return kNoSequence;
  constexpr std::int32_t kMax = std::numeric_limits<std::int32_t>::max();
  if (base_sequence > kMax - last_offset_delta) return last_offset_delta - (kMax - base_sequence) - 1;
  return base_sequence + last_offset_delta;
}

std::int64_t record_offset(const RecordBatchHeader& h, const Record& r) {
  return wrapping_add(h.base_offset, r.offset_delta);
}

std::int64_t record_timestamp(const RecordBatchHeader& h, const Record& r) {
  return wrapping_add(h.base_timestamp, r.timestamp_delta);
}

Result<EntryHeader> peek_entry(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < batch_layout::kMagic + 1) return {ErrorCode::CORRUPT_MESSAGE, "entry header cut short"};
  Reader r(bytes);
  EntryHeader h;
  h.offset = r.i64();
  h.size = r.i32();
  r.skip(4);
  h.magic = r.i8();
  if (h.size < kMinEntrySize) {
    return {ErrorCode::CORRUPT_MESSAGE, "record size " + std::to_string(h.size) + " is smaller than the minimum"};
  }
  return h;
}

Result<RecordBatchHeader> parse_batch_header(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < batch_layout::kHeaderSize) return {ErrorCode::CORRUPT_MESSAGE, "record batch header cut short"};
  Reader r(bytes);
  RecordBatchHeader h;
  h.base_offset = r.i64();
  h.batch_length = r.i32();
  h.partition_leader_epoch = r.i32();
  h.magic = r.i8();
  h.crc = r.u32();
  h.attributes = r.i16();
  h.last_offset_delta = r.i32();
  h.base_timestamp = r.i64();
  h.max_timestamp = r.i64();
  h.producer_id = r.i64();
  h.producer_epoch = r.i16();
  h.base_sequence = r.i32();
  h.records_count = r.i32();
  if (h.magic != kCurrentMagic) {
    return {ErrorCode::CORRUPT_MESSAGE, "record batch magic " + std::to_string(h.magic) + " is not 2"};
  }
  if (h.batch_length < kMinBatchLength) {
    return {ErrorCode::CORRUPT_MESSAGE, "record batch length " + std::to_string(h.batch_length) + " is too small"};
  }
  if (h.records_count < 0) return {ErrorCode::CORRUPT_MESSAGE, "negative record count"};
  // Offsets are below INT64_MAX, so a header whose next offset does not fit
  // (a corrupt segment, a hostile producer) is corrupt, not arithmetic to overflow.
  if (h.last_offset_delta < 0 || h.base_offset > std::numeric_limits<std::int64_t>::max() - 1 - h.last_offset_delta) {
    return {ErrorCode::CORRUPT_MESSAGE, "record batch offsets overflow"};
  }
  return h;
}

Result<RecordBatchView> RecordBatchView::parse(std::span<const std::uint8_t> bytes) {
  Result<RecordBatchHeader> h = parse_batch_header(bytes);
  if (!h) return h.status();
  if (h->size_in_bytes() > bytes.size()) return {ErrorCode::CORRUPT_MESSAGE, "record batch cut short"};
  RecordBatchView v;
  v.header_ = *h;
  v.bytes_ = bytes.first(h->size_in_bytes());
  return v;
}

std::uint32_t RecordBatchView::compute_crc() const { return crc32c(bytes_.subspan(batch_layout::kAttributes)); }

Status RecordBatchView::records(std::vector<Record>& out, std::vector<std::uint8_t>& scratch,
                                std::size_t max_decompressed) const {
  const std::optional<CompressionType> codec = header_.compression();
  if (!codec) return {ErrorCode::UNSUPPORTED_COMPRESSION_TYPE, "unknown compression codec"};
  std::span<const std::uint8_t> section = records_section();
  if (*codec != CompressionType::kNone) {
    Result<std::vector<std::uint8_t>> inflated = decompress(*codec, section, max_decompressed);
    if (!inflated) return inflated.status();
    scratch = std::move(inflated).value();
    section = scratch;
  }
  return read_records(section, header_.records_count, out);
}

std::optional<std::span<const std::uint8_t>> EntryIterator::next() {
  if (rest_.empty() || !error_.ok()) return std::nullopt;
  if (rest_.size() < batch_layout::kMagic + 1) return std::nullopt;  // partial trailing entry
  Result<EntryHeader> h = peek_entry(rest_);
  if (!h) {
    error_ = h.status();
    return std::nullopt;
  }
  if (h->size_in_bytes() > rest_.size()) return std::nullopt;
  std::span<const std::uint8_t> entry = rest_.first(h->size_in_bytes());
  rest_ = rest_.subspan(entry.size());
  return entry;
}

void set_base_offset(std::span<std::uint8_t> batch, std::int64_t base_offset) {
  put_be(batch.subspan(batch_layout::kBaseOffset), base_offset);
}

void set_partition_leader_epoch(std::span<std::uint8_t> batch, std::int32_t epoch) {
  put_be(batch.subspan(batch_layout::kPartitionLeaderEpoch), epoch);
}

void set_max_timestamp(std::span<std::uint8_t> batch, TimestampType type, std::int64_t max_timestamp) {
  Reader r(batch.subspan(batch_layout::kAttributes, 2));
  std::int16_t attributes = r.i16();
  if (type == TimestampType::kLogAppendTime) {
    attributes = static_cast<std::int16_t>(attributes | batch_attributes::kTimestampType);
  } else {
    attributes = static_cast<std::int16_t>(attributes & ~batch_attributes::kTimestampType);
  }
  put_be(batch.subspan(batch_layout::kAttributes), attributes);
  put_be(batch.subspan(batch_layout::kMaxTimestamp), max_timestamp);
  update_crc(batch);
}

void update_crc(std::span<std::uint8_t> batch) {
  put_be(batch.subspan(batch_layout::kCrc), crc32c(batch.subspan(batch_layout::kAttributes)));
}

}  // namespace sluice::protocol
