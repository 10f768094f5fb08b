// Values the partition log hands its callers.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "storage/index/transaction_index.h"
#include "storage/log/file_records.h"
#include "storage/log/log_validator.h"

namespace sluice::storage {

// Kafka's ListOffsets special timestamps.
namespace list_offsets {
inline constexpr std::int64_t kLatest = -1;
inline constexpr std::int64_t kEarliest = -2;
inline constexpr std::int64_t kMaxTimestamp = -3;   // KIP-734
inline constexpr std::int64_t kEarliestLocal = -4;  // KIP-405
inline constexpr std::int64_t kLatestTiered = -5;   // KIP-1005
}  // namespace list_offsets

// How far a read may go (Kafka's FetchIsolation).
enum class FetchIsolation : std::uint8_t {
  kLogEnd,         // replicas: everything written
  kHighWatermark,  // consumers, read_uncommitted
  kTxnCommitted,   // consumers, read_committed: up to the last stable offset
};

// An offset and where it sits: the segment holding it and the byte position
// there (Kafka's LogOffsetMetadata), so reads can stop at the high watermark
// without searching for it.
struct LogOffsetMetadata {
  std::int64_t offset = 0;
  std::int64_t segment_base_offset = 0;
  std::uint64_t position = 0;
  bool known_position = true;
};

struct LogAppendInfo {
  std::int64_t first_offset = -1;
  std::int64_t last_offset = -1;
  std::int64_t max_timestamp = -1;
  std::int64_t offset_of_max_timestamp = -1;
  std::int64_t log_append_time = -1;  // -1 unless LogAppendTime
  std::int64_t log_start_offset = 0;
  std::int64_t record_count = 0;
  std::vector<AppendedBatch> batches;
  // An idempotent producer's retry of a batch the log already holds: nothing
  // was appended and first/last offset are the original batch's (Kafka
  // acknowledges a duplicate with its original offsets, KIP-98).
  bool duplicate = false;
};

struct LogReadResult {
  FileSlice records;  // empty when there is nothing to return
  std::int64_t first_batch_offset = -1;
  std::int64_t high_watermark = 0;
  std::int64_t last_stable_offset = 0;
  std::int64_t log_start_offset = 0;
  std::int64_t log_end_offset = 0;
  // kTxnCommitted only: the aborted transactions overlapping the records
  // returned, for the consumer to skip (empty when there are none); nullopt
  // for the other isolations, as Kafka answers read_uncommitted fetches.
  std::optional<std::vector<AbortedTxn>> aborted_transactions;
};

// One producer as DescribeProducers reports it (KIP-664).
struct ActiveProducer {
  std::int64_t producer_id = -1;
  std::int16_t producer_epoch = -1;
  std::int32_t last_sequence = -1;  // -1 when no batch is cached
  std::int64_t last_timestamp = -1;
  std::int32_t coordinator_epoch = -1;
  std::int64_t current_txn_start_offset = -1;  // -1 when no transaction is open
  std::int64_t last_data_offset = -1;          // of its last cached batch; -1 when none (compaction keeps it)
};

}  // namespace sluice::storage
