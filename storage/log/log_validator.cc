#include "storage/log/log_validator.h"

#include <algorithm>
#include <limits>

#include "protocol/compression/codec.h"
#include "protocol/int_math.h"
#include "protocol/records/convert.h"
#include "protocol/records/legacy_message_set.h"
#include "protocol/records/record_batch_builder.h"

namespace sluice::storage {

using protocol::Bytes;
using protocol::CompressionType;
using protocol::ErrorCode;
using protocol::Record;
using protocol::RecordBatchHeader;
using protocol::RecordBatchView;
using protocol::Result;
using protocol::Status;
namespace layout = protocol::batch_layout;

namespace {

// KIP-937: before/after bounds, falling back to the deprecated difference.
struct TimestampBounds {
  std::int64_t before;
  std::int64_t after;
};

TimestampBounds timestamp_bounds(const LogConfig& c) {
  constexpr std::int64_t kUnset = std::numeric_limits<std::int64_t>::max();
  return {c.message_timestamp_before_max_ms != kUnset ? c.message_timestamp_before_max_ms
                                                      : c.message_timestamp_difference_max_ms,
          c.message_timestamp_after_max_ms != kUnset ? c.message_timestamp_after_max_ms
                                                     : c.message_timestamp_difference_max_ms};
}

bool log_append_time(const LogConfig& c) { return c.message_timestamp_type == TimestampType::kLogAppendTime; }

// Checks every record of one batch: framing, keys on compacted topics,
// timestamps. Calls visit(record) for each; returns the max timestamp.
class RecordChecker {
 public:
  RecordChecker(const LogConfig& config, const ValidationContext& ctx, std::vector<RecordError>& errors)
      : config_(config), ctx_(ctx), bounds_(timestamp_bounds(config)), errors_(errors) {}

  // Returns CORRUPT_MESSAGE for framing, INVALID_RECORD / INVALID_TIMESTAMP
  // (with record errors) for rule violations.
  template <class Visit>
  Status check(const RecordBatchHeader& h, std::span<const std::uint8_t> records, std::int32_t first_index,
               std::int64_t& max_timestamp, Visit visit) {
    protocol::Reader r(records);
    Record rec;
    ErrorCode failure = ErrorCode::NONE;
    max_timestamp = protocol::kNoTimestamp;
    for (std::int32_t i = 0; i < h.records_count; ++i) {
      if (!protocol::read_record(r, rec)) {
        return {ErrorCode::CORRUPT_MESSAGE, std::string("record ") + std::to_string(i) + ": " + r.error()};
      }
      const std::int64_t ts = protocol::record_timestamp(h, rec);
      max_timestamp = std::max(max_timestamp, ts);
      if (!h.is_control() && config_.compact() && !rec.key) {
        errors_.push_back({first_index + i, "Compacted topic cannot accept message without key."});
        failure = ErrorCode::INVALID_RECORD;
      } else if (!log_append_time(config_) && ts != protocol::kNoTimestamp && out_of_range(ts)) {
        errors_.push_back({first_index + i, "Timestamp " + std::to_string(ts) + " of message with offset " +
                                                std::to_string(rec.offset_delta) + " is out of range."});
        if (failure == ErrorCode::NONE) failure = ErrorCode::INVALID_TIMESTAMP;
      }
      visit(rec);
    }
    if (r.remaining() != 0) return {ErrorCode::CORRUPT_MESSAGE, "bytes after the last record of the batch"};
    if (failure != ErrorCode::NONE) return {failure, errors_.front().message};
    return {};
  }

 private:
  // The difference saturates, so a timestamp near INT64_MIN exceeds every
  // bound but the default Long.MAX_VALUE, which Kafka takes as no bound.
  bool out_of_range(std::int64_t ts) const {
    return ts < ctx_.now_ms ? protocol::saturating_sub(ctx_.now_ms, ts) > bounds_.before
                            : protocol::saturating_sub(ts, ctx_.now_ms) > bounds_.after;
  }

  const LogConfig& config_;
  const ValidationContext& ctx_;
  TimestampBounds bounds_;
  std::vector<RecordError>& errors_;
};

// Batch-level rules that do not need the records (Kafka's validateBatch and
// analyzeAndValidateRecords).
Status check_batch(const RecordBatchView& batch, const LogConfig& config, const ValidationContext& ctx) {
  const RecordBatchHeader& h = batch.header();
  if (static_cast<std::int64_t>(h.size_in_bytes()) > config.max_message_bytes) {
    return {ErrorCode::MESSAGE_TOO_LARGE, "The record batch of " + std::to_string(h.size_in_bytes()) +
                                              " bytes is larger than max.message.bytes (" +
                                              std::to_string(config.max_message_bytes) + ")"};
  }
  if (!batch.crc_ok()) return {ErrorCode::CORRUPT_MESSAGE, "Record batch CRC mismatch"};
  if (!h.compression()) return {ErrorCode::UNSUPPORTED_COMPRESSION_TYPE, "Unknown compression codec"};
  if (ctx.origin == AppendOrigin::kClient) {
    if (h.is_control()) return {ErrorCode::INVALID_RECORD, "Clients are not allowed to write control records"};
    if (h.has_producer_id() && h.base_sequence < 0) return {ErrorCode::INVALID_RECORD, "Invalid sequence number"};
  }
  if (h.records_count == 0) return {ErrorCode::INVALID_RECORD, "Record batch has no records"};
  if (h.records_count != std::int64_t{h.last_offset_delta} + 1 && !h.is_compressed()) {
    return {ErrorCode::INVALID_RECORD,
            "Record count " + std::to_string(h.records_count) + " does not match the batch's offset range"};
  }
  return {};
}

AppendedBatch describe(const RecordBatchHeader& h, std::size_t position) {
  AppendedBatch b;
  b.first_offset = h.base_offset;
  b.last_offset = h.last_offset();
  b.producer_id = h.producer_id;
  b.producer_epoch = h.producer_epoch;
  b.base_sequence = h.base_sequence;
  b.last_sequence = h.last_sequence();
  b.max_timestamp = h.max_timestamp;
  b.transactional = h.is_transactional();
  b.control = h.is_control();
  b.position_in_records = position;
  b.size = h.size_in_bytes();
  return b;
}

// A legacy (magic 0/1) message set becomes one v2 batch (Kafka 3.x writes
// nothing older), compressed with the topic's codec or the producer's.
Result<std::vector<std::uint8_t>> up_convert_legacy(std::span<const std::uint8_t> records, const LogConfig& config,
                                                    const ValidationContext& ctx, std::vector<RecordError>& errors) {
  Result<protocol::LegacyMessageSet> set = protocol::read_legacy_message_set(records, ctx.max_decompressed_bytes);
  if (!set) return set.status();
  if (set->messages.empty()) return {ErrorCode::CORRUPT_MESSAGE, "empty message set"};
  for (std::size_t i = 0; i < set->messages.size(); ++i) {
    if (config.compact() && !set->messages[i].key) {
      errors.push_back({static_cast<std::int32_t>(i), "Compacted topic cannot accept message without key."});
    }
  }
  if (!errors.empty()) return {ErrorCode::INVALID_RECORD, errors.front().message};
  const CompressionType codec = config.target_compression().value_or(set->source_compression);
  return protocol::up_convert(set->messages, codec);
}

// The records of one batch recompressed into a new batch with sequential
// offsets, keeping the producer's identity and sequence.
Result<std::vector<std::uint8_t>> rebuild(const RecordBatchHeader& h, std::span<const std::uint8_t> plain,
                                          CompressionType target, std::int64_t base_offset, const LogConfig& config,
                                          const ValidationContext& ctx, std::vector<Record>& decoded) {
  if (Status s = read_records(plain, h.records_count, decoded); !s.ok()) return s;
  protocol::BatchOptions o;
  o.compression = target;
  o.compression_level = config.target_compression_level();
  o.timestamp_type =
      log_append_time(config) ? protocol::TimestampType::kLogAppendTime : protocol::TimestampType::kCreateTime;
  o.log_append_time = ctx.now_ms;
  o.base_offset = base_offset;
  o.partition_leader_epoch = ctx.leader_epoch;
  o.producer_id = h.producer_id;
  o.producer_epoch = h.producer_epoch;
  o.base_sequence = h.base_sequence;
  o.transactional = h.is_transactional();
  o.control = h.is_control();
  protocol::RecordBatchBuilder builder(o);
  for (const Record& r : decoded) builder.append(protocol::record_timestamp(h, r), r.key, r.value, r.headers);
  return builder.build();
}

}  // namespace

Result<ValidatedRecords> validate_and_assign_offsets(std::span<std::uint8_t> records, const LogConfig& config,
                                                     const ValidationContext& ctx,
                                                     std::vector<RecordError>& record_errors) {
  ValidatedRecords out;
  out.first_offset = ctx.first_offset;
  out.last_offset = ctx.first_offset - 1;
  if (records.empty()) return out;

  Result<protocol::EntryHeader> first = protocol::peek_entry(records);
  if (!first) return first.status();
  if (first->magic < protocol::kCurrentMagic) {
    Result<std::vector<std::uint8_t>> converted = up_convert_legacy(records, config, ctx, record_errors);
    if (!converted) return converted.status();
    out.rebuilt = std::move(converted).value();
    out.rebuilt_records = true;
    records = out.rebuilt;
  }

  const bool append_time = log_append_time(config);
  RecordChecker checker(config, ctx, record_errors);
  std::vector<std::uint8_t> rebuilt;  // batches rebuilt for a different codec
  std::vector<std::uint8_t> scratch;
  std::vector<Record> decoded;
  std::int64_t next_offset = ctx.first_offset;
  std::int32_t record_index = 0;
  std::size_t position = 0;
  bool any_rebuilt = false;

  protocol::EntryIterator it(records);
  while (std::optional<std::span<const std::uint8_t>> entry = it.next()) {
    Result<protocol::EntryHeader> eh = protocol::peek_entry(*entry);
    if (!eh) return eh.status();
    if (eh->magic != protocol::kCurrentMagic) return {ErrorCode::CORRUPT_MESSAGE, "mixed record formats"};
    Result<RecordBatchView> batch = RecordBatchView::parse(*entry);
    if (!batch) return batch.status();
    if (Status s = check_batch(*batch, config, ctx); !s.ok()) return s;
    const RecordBatchHeader& h = batch->header();
    const CompressionType source = *h.compression();
    const CompressionType target = config.target_compression().value_or(source);
    std::span<std::uint8_t> mutable_batch(records.data() + position, entry->size());

    std::int64_t max_ts = protocol::kNoTimestamp;
    bool sequential = true;
    std::int32_t expected_delta = 0;
    auto check_offsets = [&](const Record& r) { sequential = sequential && r.offset_delta == expected_delta++; };
    std::span<const std::uint8_t> plain = batch->records_section();
    if (source != CompressionType::kNone) {
      Result<std::vector<std::uint8_t>> inflated = protocol::decompress(source, plain, ctx.max_decompressed_bytes);
      if (!inflated) return inflated.status();
      scratch = std::move(inflated).value();
      plain = scratch;
    }
    if (Status s = checker.check(h, plain, record_index, max_ts, check_offsets); !s.ok()) return s;
    record_index += h.records_count;

    const bool in_place = source == target && (source == CompressionType::kNone || sequential);
    if (in_place) {
      // Offsets, leader epoch and timestamps go into the header.
      protocol::set_base_offset(mutable_batch, next_offset);
      protocol::set_partition_leader_epoch(mutable_batch, ctx.leader_epoch);
      if (append_time) {
        protocol::set_max_timestamp(mutable_batch, protocol::TimestampType::kLogAppendTime, ctx.now_ms);
      } else if (h.max_timestamp != max_ts || h.timestamp_type() != protocol::TimestampType::kCreateTime) {
        protocol::set_max_timestamp(mutable_batch, protocol::TimestampType::kCreateTime, max_ts);
      }
      if (any_rebuilt) rebuilt.insert(rebuilt.end(), mutable_batch.begin(), mutable_batch.end());
      const std::size_t at = any_rebuilt ? rebuilt.size() - mutable_batch.size() : position;
      out.batches.push_back(describe(*protocol::parse_batch_header(mutable_batch), at));
    } else {
      Result<std::vector<std::uint8_t>> built = rebuild(h, plain, target, next_offset, config, ctx, decoded);
      if (!built) return built.status();
      // Batches before this one were done in place; copy them over once.
      if (!any_rebuilt) rebuilt.assign(records.begin(), records.begin() + static_cast<std::ptrdiff_t>(position));
      any_rebuilt = true;
      rebuilt.insert(rebuilt.end(), built->begin(), built->end());
      out.batches.push_back(describe(*protocol::parse_batch_header(*built), rebuilt.size() - built->size()));
    }
    const AppendedBatch& appended = out.batches.back();
    if (appended.max_timestamp > out.max_timestamp || out.offset_of_max_timestamp < 0) {
      out.max_timestamp = appended.max_timestamp;
      out.offset_of_max_timestamp = appended.last_offset;
    }
    next_offset = appended.last_offset + 1;
    out.record_count += h.records_count;
    position += entry->size();
  }
  if (!it.error().ok()) return it.error();
  if (out.batches.empty()) return {ErrorCode::CORRUPT_MESSAGE, "no complete record batch"};
  // A partial batch at the end is dropped, as Kafka trims invalid bytes.
  if (any_rebuilt) {
    out.rebuilt = std::move(rebuilt);
    out.rebuilt_records = true;
    out.bytes = out.rebuilt;
  } else if (out.rebuilt_records) {
    out.bytes = std::span<const std::uint8_t>(out.rebuilt).first(position);
  } else {
    out.bytes = std::span<const std::uint8_t>(records.data(), position);
  }
  out.last_offset = next_offset - 1;
  if (append_time) out.log_append_time = ctx.now_ms;
  return out;
}

}  // namespace sluice::storage
