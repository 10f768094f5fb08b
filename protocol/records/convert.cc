#include "protocol/records/convert.h"

#include "protocol/records/record_batch.h"
#include "protocol/records/record_batch_builder.h"

namespace sluice::protocol {

Result<std::vector<std::uint8_t>> up_convert(std::span<const LegacyMessage> messages, CompressionType compression) {
  BatchOptions options;
  options.compression = compression;
  RecordBatchBuilder builder(options);
  for (const LegacyMessage& m : messages) builder.append(m.timestamp, m.key, m.value);
  return builder.build();
}

Result<std::vector<std::uint8_t>> down_convert(std::span<const std::uint8_t> batches, std::int8_t to_magic,
                                               std::int64_t first_offset, std::size_t max_decompressed) {
  std::vector<std::uint8_t> out;
  std::vector<Record> records;
  std::vector<std::uint8_t> scratch;
  EntryIterator it(batches);
  while (std::optional<std::span<const std::uint8_t>> entry = it.next()) {
    Result<EntryHeader> eh = peek_entry(*entry);
    if (!eh) return eh.status();
    if (eh->magic <= to_magic) {
      out.insert(out.end(), entry->begin(), entry->end());
      continue;
    }
    Result<RecordBatchView> batch = RecordBatchView::parse(*entry);
    if (!batch) return batch.status();
    const RecordBatchHeader& h = batch->header();
    if (h.is_control()) continue;
    const std::optional<CompressionType> codec = h.compression();
    if (!codec) return {ErrorCode::UNSUPPORTED_COMPRESSION_TYPE, "unknown compression codec"};
    if (Status s = batch->records(records, scratch, max_decompressed); !s.ok()) return s;

    const bool log_append = h.timestamp_type() == TimestampType::kLogAppendTime;
    LegacyMessageSetBuilder builder(
        to_magic, *codec, log_append ? TimestampType::kLogAppendTime : TimestampType::kCreateTime, h.max_timestamp);
    for (const Record& r : records) {
      const std::int64_t offset = record_offset(h, r);
      if (*codec == CompressionType::kNone && offset < first_offset) continue;
      builder.append(offset, record_timestamp(h, r), r.key, r.value);
    }
    if (builder.empty()) continue;
    Result<std::vector<std::uint8_t>> converted = builder.build();
    if (!converted) return converted.status();
    out.insert(out.end(), converted->begin(), converted->end());
  }
  if (!it.error().ok()) return it.error();
  return out;
}

}  // namespace sluice::protocol
