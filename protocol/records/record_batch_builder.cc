#include "protocol/records/record_batch_builder.h"

#include <algorithm>

#include "protocol/compression/codec.h"
#include "protocol/int_math.h"
#include "protocol/writer.h"

namespace sluice::protocol {

std::int64_t RecordBatchBuilder::next_offset() const {
  return entries_.empty() ? options_.base_offset : entries_.back().offset + 1;
}

void RecordBatchBuilder::append(std::int64_t timestamp, NullableBytes key, NullableBytes value,
                                std::span<const RecordHeader> headers) {
  append_at(next_offset(), timestamp, key, value, headers);
}

void RecordBatchBuilder::append_at(std::int64_t offset, std::int64_t timestamp, NullableBytes key, NullableBytes value,
                                   std::span<const RecordHeader> headers) {
  entries_.push_back(Entry{offset, timestamp, key, value, {headers.begin(), headers.end()}});
}

Result<std::vector<std::uint8_t>> RecordBatchBuilder::build() const {
  const std::int64_t base_offset = entries_.empty() ? options_.base_offset : entries_.front().offset;
  std::int64_t first_timestamp = entries_.empty() ? kNoTimestamp : entries_.front().timestamp;
  std::int64_t max_timestamp = kNoTimestamp;
  for (const Entry& e : entries_) max_timestamp = std::max(max_timestamp, e.timestamp);
  const std::int64_t base_timestamp = options_.delete_horizon_ms.value_or(first_timestamp);
  if (options_.timestamp_type == TimestampType::kLogAppendTime) max_timestamp = options_.log_append_time;

  // Records, uncompressed.
  std::vector<Record> records;
  records.reserve(entries_.size());
  std::size_t plain_size = 0;
  for (const Entry& e : entries_) {
    Record& r = records.emplace_back();
    r.timestamp_delta = wrapping_sub(e.timestamp, base_timestamp);
    r.offset_delta = static_cast<std::int32_t>(wrapping_sub(e.offset, base_offset));
    r.key = e.key;
    r.value = e.value;
    r.headers = e.headers;
    plain_size += record_size(r);
  }
  std::vector<std::uint8_t> plain(plain_size);
  Writer rw(plain);
  for (const Record& r : records) write_record(rw, r);

  std::vector<std::uint8_t> out(batch_layout::kHeaderSize);
  out.reserve(batch_layout::kHeaderSize + plain_size);
  if (Status s = compress(options_.compression, plain, out, {options_.compression_level, false}); !s.ok()) return s;

  std::int16_t attributes = static_cast<std::int16_t>(options_.compression);
  if (options_.timestamp_type == TimestampType::kLogAppendTime) attributes |= batch_attributes::kTimestampType;
  if (options_.transactional) attributes |= batch_attributes::kTransactional;
  if (options_.control) attributes |= batch_attributes::kControl;
  if (options_.delete_horizon_ms) attributes |= batch_attributes::kDeleteHorizon;
  const std::int64_t last_offset =
      last_offset_override_.value_or(entries_.empty() ? base_offset : entries_.back().offset);

  Writer w(out);
  w.i64(base_offset);
  w.i32(static_cast<std::int32_t>(out.size() - batch_layout::kLogOverhead));
  w.i32(options_.partition_leader_epoch);
  w.i8(kCurrentMagic);
  w.u32(0);  // CRC, below
  w.i16(attributes);
  w.i32(static_cast<std::int32_t>(wrapping_sub(last_offset, base_offset)));
  w.i64(base_timestamp);
  w.i64(max_timestamp);
  w.i64(options_.producer_id);
  w.i16(options_.producer_epoch);
  w.i32(options_.base_sequence);
  w.i32(static_cast<std::int32_t>(entries_.size()));
  update_crc(out);
  return out;
}

}  // namespace sluice::protocol
