// Kafka's ProducerAppendInfo: checks the batches one producer appends in one
// request against what the partition knows about it (epoch fencing, sequence
// continuity, transaction state) and builds the producer's updated entry and
// the transactions the batches start or end. Nothing is changed until the
// caller hands the result to ProducerStateManager::update, so a rejected
// request leaves the producer state untouched.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "protocol/records/control_record.h"
#include "protocol/records/record_batch.h"
#include "protocol/result.h"
#include "storage/log/log_validator.h"
#include "storage/producer/producer_state_entry.h"

namespace sluice::storage {

// A transaction whose COMMIT/ABORT marker was appended (Kafka's
// CompletedTxn): the aborted-transaction index and the last stable offset are
// built from these.
struct CompletedTxn {
  std::int64_t producer_id = protocol::kNoProducerId;
  std::int64_t first_offset = -1;
  std::int64_t last_offset = -1;  // the marker's offset
  bool is_aborted = false;
  bool operator==(const CompletedTxn&) const = default;
};

// A transaction open on this partition (Kafka's TxnMetadata); last_offset is
// set once its marker is written.
struct TxnMetadata {
  std::int64_t producer_id = protocol::kNoProducerId;
  std::int64_t first_offset = -1;
  std::optional<std::int64_t> last_offset;
  bool operator==(const TxnMetadata&) const = default;
};

// The marker a control batch carries and the timestamp of its record.
struct ControlBatchMarker {
  protocol::EndTxnMarker marker;
  std::int64_t timestamp = protocol::kNoTimestamp;
};

// The marker of a control batch's first record; nullopt for a control batch
// with no records (compaction removed the whole transaction). Errors:
// CORRUPT_MESSAGE for an undecodable batch or a record that is not a marker.
protocol::Result<std::optional<ControlBatchMarker>> read_control_batch_marker(const protocol::RecordBatchView& batch,
                                                                              std::size_t max_decompressed_bytes);

class ProducerAppendInfo {
 public:
  // `current` is the producer's entry before this request (empty() for a new
  // producer). `origin` sets how much is checked: clients get everything, the
  // coordinators no sequence checks, replication and log recovery only
  // warnings (the leader already validated).
  ProducerAppendInfo(std::int64_t producer_id, ProducerStateEntry current, AppendOrigin origin);

  std::int64_t producer_id() const { return producer_id_; }
  AppendOrigin origin() const { return origin_; }

  // One batch of the request, in order. Data batches are checked and cached;
  // a control batch ends the producer's transaction and returns it when it
  // had data. On an error the whole request must be rejected.
  protocol::Result<std::optional<CompletedTxn>> append(const protocol::RecordBatchHeader& batch,
                                                       const std::optional<ControlBatchMarker>& marker);

  // Errors: INVALID_PRODUCER_EPOCH (an older epoch; since Kafka 2.7 rather
  // than PRODUCER_FENCED, so the client can abort and retry),
  // OUT_OF_ORDER_SEQUENCE_NUMBER (a gap, or a new epoch not starting at 0),
  // INVALID_TXN_STATE (a non-transactional batch inside a transaction).
  protocol::Status append_data_batch(std::int16_t epoch, std::int32_t first_seq, std::int32_t last_seq,
                                     std::int64_t last_timestamp, std::int64_t first_offset, std::int64_t last_offset,
                                     bool is_transactional);

  // Errors: INVALID_PRODUCER_EPOCH, TRANSACTION_COORDINATOR_FENCED (a marker
  // from a coordinator older than the last one seen).
  protocol::Result<std::optional<CompletedTxn>> append_end_txn_marker(const protocol::EndTxnMarker& marker,
                                                                      std::int16_t epoch, std::int64_t offset,
                                                                      std::int64_t timestamp);

  // The producer's entry after the appended batches (holding only the new
  // batches; ProducerStateManager::update merges them into the cache).
  const ProducerStateEntry& to_entry() const { return updated_; }
  // Transactions the appended batches began.
  const std::vector<TxnMetadata>& started_transactions() const { return started_; }

 private:
  protocol::Status check_producer_epoch(std::int16_t epoch, std::int64_t offset) const;
  protocol::Status check_sequence(std::int16_t epoch, std::int32_t first_seq, std::int64_t offset) const;

  std::int64_t producer_id_;
  ProducerStateEntry current_;
  AppendOrigin origin_;
  ProducerStateEntry updated_;
  std::vector<TxnMetadata> started_;
};

}  // namespace sluice::storage
