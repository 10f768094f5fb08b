// Builds RecordBatch v2 bytes: the producer side of tests and tools, and the
// broker's own writes (internal topics, transaction markers, compaction and
// recompression).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "protocol/compression/compression_type.h"
#include "protocol/records/record.h"
#include "protocol/records/record_batch.h"
#include "protocol/result.h"

namespace sluice::protocol {

struct BatchOptions {
  CompressionType compression = CompressionType::kNone;
  std::optional<int> compression_level;  // KIP-390
  TimestampType timestamp_type = TimestampType::kCreateTime;
  std::int64_t base_offset = 0;
  std::int32_t partition_leader_epoch = kNoPartitionLeaderEpoch;
  std::int64_t producer_id = kNoProducerId;
  std::int16_t producer_epoch = kNoProducerEpoch;
  std::int32_t base_sequence = kNoSequence;
  bool transactional = false;
  bool control = false;
  // KIP-534: when set, the base timestamp is this delete horizon and the
  // attribute bit says so (batches the cleaner rewrote with tombstones).
  std::optional<std::int64_t> delete_horizon_ms;
  // With LogAppendTime, the max timestamp written (the append time).
  std::int64_t log_append_time = kNoTimestamp;
};

class RecordBatchBuilder {
 public:
  explicit RecordBatchBuilder(BatchOptions options) : options_(options) {}

  // Appends a record at the next offset (base offset + records so far).
  void append(std::int64_t timestamp, NullableBytes key, NullableBytes value,
              std::span<const RecordHeader> headers = {});
  // Appends a record at an explicit offset, greater than the previous one
  // (compacted batches keep their offset gaps).
  void append_at(std::int64_t offset, std::int64_t timestamp, NullableBytes key, NullableBytes value,
                 std::span<const RecordHeader> headers = {});

  // Overrides the last offset delta, so a batch whose last records were
  // removed by compaction keeps its offset range.
  void set_last_offset(std::int64_t offset) { last_offset_override_ = offset; }

  bool empty() const { return entries_.empty(); }
  std::size_t count() const { return entries_.size(); }
  std::int64_t next_offset() const;

  // The finished batch, CRC included.
  Result<std::vector<std::uint8_t>> build() const;

 private:
  struct Entry {
    std::int64_t offset;
    std::int64_t timestamp;
    NullableBytes key;
    NullableBytes value;
    std::vector<RecordHeader> headers;
  };

  BatchOptions options_;
  std::vector<Entry> entries_;
  std::optional<std::int64_t> last_offset_override_;
};

}  // namespace sluice::protocol
