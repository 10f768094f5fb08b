// Kafka's LogValidator: checks a producer's records before they are appended
// and assigns their offsets, timestamps and leader epoch, in place where it
// can, rebuilding the batch only when the topic's compression.type differs
// from the producer's codec or the producer wrote a legacy (magic 0/1) set.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "protocol/records/record_batch.h"
#include "protocol/result.h"
#include "storage/config/log_config.h"

namespace sluice::storage {

// Who is appending: clients are held to every rule; the coordinators write
// control batches and internal records (Kafka's AppendOrigin).
enum class AppendOrigin : std::uint8_t { kClient, kCoordinator, kReplication };

// A record the validator rejected (ProduceResponse record_errors, KIP-467).
struct RecordError {
  std::int32_t batch_index = 0;  // the record's index in the request
  std::string message;
};

// What one appended batch says about its producer, for idempotence and
// transactions.
struct AppendedBatch {
  std::int64_t first_offset = 0;
  std::int64_t last_offset = 0;
  std::int64_t producer_id = protocol::kNoProducerId;
  std::int16_t producer_epoch = protocol::kNoProducerEpoch;
  std::int32_t base_sequence = protocol::kNoSequence;
  std::int32_t last_sequence = protocol::kNoSequence;
  std::int64_t max_timestamp = protocol::kNoTimestamp;
  bool transactional = false;
  bool control = false;
  std::size_t position_in_records = 0;  // where it starts in ValidatedRecords::bytes
  std::size_t size = 0;
};

struct ValidatedRecords {
  // The bytes to append: the producer's buffer, or `rebuilt`.
  std::span<const std::uint8_t> bytes;
  std::vector<std::uint8_t> rebuilt;
  std::vector<AppendedBatch> batches;
  std::int64_t first_offset = 0;
  std::int64_t last_offset = 0;
  std::int64_t max_timestamp = protocol::kNoTimestamp;
  std::int64_t offset_of_max_timestamp = -1;              // last offset of the batch holding it
  std::int64_t log_append_time = protocol::kNoTimestamp;  // set with LogAppendTime
  std::int64_t record_count = 0;
  bool rebuilt_records = false;
};

struct ValidationContext {
  std::int64_t first_offset = 0;  // the log end offset
  std::int32_t leader_epoch = protocol::kNoPartitionLeaderEpoch;
  std::int64_t now_ms = 0;
  AppendOrigin origin = AppendOrigin::kClient;
  std::size_t max_decompressed_bytes = 0;  // bound on inflating one batch
};

// Validates `records` (one or more batches, or a legacy message set) against
// the topic config and assigns offsets from ctx.first_offset. Errors are
// Kafka's: CORRUPT_MESSAGE (bad CRC or framing), MESSAGE_TOO_LARGE (a batch
// above max.message.bytes), INVALID_RECORD (keyless record on a compacted
// topic, control batch from a client, inconsistent counts), INVALID_TIMESTAMP,
// UNSUPPORTED_COMPRESSION_TYPE. Per-record failures also fill `record_errors`.
protocol::Result<ValidatedRecords> validate_and_assign_offsets(std::span<std::uint8_t> records, const LogConfig& config,
                                                               const ValidationContext& ctx,
                                                               std::vector<RecordError>& record_errors);

}  // namespace sluice::storage
