#include "storage/producer/producer_append_info.h"

#include <limits>
#include <string>
#include <utility>

namespace sluice::storage {

using protocol::ErrorCode;
using protocol::Status;

protocol::Result<std::optional<ControlBatchMarker>> read_control_batch_marker(const protocol::RecordBatchView& batch,
                                                                              std::size_t max_decompressed_bytes) {
  std::vector<protocol::Record> records;
  std::vector<std::uint8_t> scratch;
  if (Status s = batch.records(records, scratch, max_decompressed_bytes); !s.ok()) return s;
  if (records.empty()) return std::optional<ControlBatchMarker>{};
  const protocol::RecordBatchHeader& h = batch.header();
  auto marker = protocol::parse_end_txn_marker(records.front());
  if (!marker.ok()) return marker.status();
  // Kafka's Record.timestamp(): the batch's max timestamp under LogAppendTime.
  const std::int64_t timestamp = h.timestamp_type() == protocol::TimestampType::kLogAppendTime
                                     ? h.max_timestamp
                                     : protocol::record_timestamp(h, records.front());
  return std::optional<ControlBatchMarker>{ControlBatchMarker{*marker, timestamp}};
}

ProducerAppendInfo::ProducerAppendInfo(std::int64_t producer_id, ProducerStateEntry current, AppendOrigin origin)
    : producer_id_(producer_id), current_(std::move(current)), origin_(origin), updated_(current_.without_batches()) {}

protocol::Result<std::optional<CompletedTxn>> ProducerAppendInfo::append(
    const protocol::RecordBatchHeader& batch, const std::optional<ControlBatchMarker>& marker) {
  if (batch.is_control()) {
    // A control batch left without records by compaction changes nothing.
    if (!marker) return std::optional<CompletedTxn>{};
    return append_end_txn_marker(marker->marker, batch.producer_epoch, batch.base_offset, marker->timestamp);
  }
  Status s = append_data_batch(batch.producer_epoch, batch.base_sequence, batch.last_sequence(), batch.max_timestamp,
                               batch.base_offset, batch.last_offset(), batch.is_transactional());
  if (!s.ok()) return s;
  return std::optional<CompletedTxn>{};
}

Status ProducerAppendInfo::check_producer_epoch(std::int16_t epoch, std::int64_t offset) const {
  if (epoch >= updated_.producer_epoch()) return {};
  // Followers and recovery copy what the leader accepted; Kafka only logs.
  if (origin_ == AppendOrigin::kReplication) return {};
  return {ErrorCode::INVALID_PRODUCER_EPOCH,
          "epoch of producer " + std::to_string(producer_id_) + " at offset " + std::to_string(offset) + " is " +
              std::to_string(epoch) + ", older than the last seen epoch " + std::to_string(updated_.producer_epoch())};
}

Status ProducerAppendInfo::check_sequence(std::int16_t epoch, std::int32_t first_seq, std::int64_t offset) const {
  if (epoch != updated_.producer_epoch()) {
    // A bumped epoch restarts sequences at 0. A producer the partition does
    // not know (expired, or its records deleted) may start anywhere: since
    // KIP-360 the broker accepts it rather than answering UNKNOWN_PRODUCER_ID.
    if (first_seq != 0 && updated_.producer_epoch() != protocol::kNoProducerEpoch) {
      return {ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER,
              "invalid sequence number for new epoch of producer " + std::to_string(producer_id_) + " at offset " +
                  std::to_string(offset) + ": epoch " + std::to_string(epoch) + ", sequence " +
                  std::to_string(first_seq) + ", current epoch " + std::to_string(updated_.producer_epoch())};
    }
    return {};
  }
  // The sequence to continue from: this request's previous batch, else the
  // last cached batch of the same epoch.
  std::int32_t current_last_seq = protocol::kNoSequence;
  if (!updated_.is_empty()) {
    current_last_seq = updated_.last_seq();
  } else if (epoch == current_.producer_epoch()) {
    current_last_seq = current_.last_seq();
  }
  const bool in_sequence = static_cast<std::int64_t>(first_seq) == static_cast<std::int64_t>(current_last_seq) + 1 ||
                           (first_seq == 0 && current_last_seq == std::numeric_limits<std::int32_t>::max());
  // With no known epoch (all the producer's records deleted by retention or
  // DeleteRecords) any sequence is accepted, as Kafka does.
  if (current_.producer_epoch() == protocol::kNoProducerEpoch || in_sequence) return {};
  return {ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER,
          "out of order sequence number for producer " + std::to_string(producer_id_) + " at offset " +
              std::to_string(offset) + ": " + std::to_string(first_seq) + " (incoming), " +
              std::to_string(current_last_seq) + " (current end)"};
}

Status ProducerAppendInfo::append_data_batch(std::int16_t epoch, std::int32_t first_seq, std::int32_t last_seq,
                                             std::int64_t last_timestamp, std::int64_t first_offset,
                                             std::int64_t last_offset, bool is_transactional) {
  if (Status s = check_producer_epoch(epoch, first_offset); !s.ok()) return s;
  // Coordinator writes (offset commits) carry no sequences; replication was
  // checked by the leader.
  if (origin_ == AppendOrigin::kClient) {
    if (Status s = check_sequence(epoch, first_seq, first_offset); !s.ok()) return s;
  }
  const std::optional<std::int64_t> txn_first_offset = updated_.current_txn_first_offset();
  if (txn_first_offset && !is_transactional) {
    return {ErrorCode::INVALID_TXN_STATE, "expected a transactional write from producer " +
                                              std::to_string(producer_id_) + " at offset " +
                                              std::to_string(first_offset)};
  }
  updated_.add_batch(epoch, last_seq, last_offset, static_cast<std::int32_t>(last_offset - first_offset),
                     last_timestamp);
  if (!txn_first_offset && is_transactional) {
    // The first batch of a transaction: the partition's last stable offset
    // cannot pass it until the marker is written.
    updated_.set_current_txn_first_offset(first_offset);
    started_.push_back(TxnMetadata{producer_id_, first_offset, std::nullopt});
  }
  return {};
}

protocol::Result<std::optional<CompletedTxn>> ProducerAppendInfo::append_end_txn_marker(
    const protocol::EndTxnMarker& marker, std::int16_t epoch, std::int64_t offset, std::int64_t timestamp) {
  if (Status s = check_producer_epoch(epoch, offset); !s.ok()) return s;
  if (updated_.coordinator_epoch() > marker.coordinator_epoch && origin_ != AppendOrigin::kReplication) {
    return Status{ErrorCode::TRANSACTION_COORDINATOR_FENCED,
                  "coordinator epoch " + std::to_string(marker.coordinator_epoch) + " of the marker for producer " +
                      std::to_string(producer_id_) + " at offset " + std::to_string(offset) +
                      " is older than the current " + std::to_string(updated_.coordinator_epoch())};
  }
  // A marker with no data before it (the producer wrote nothing here) moves
  // no last stable offset and needs no aborted-transaction index entry.
  std::optional<CompletedTxn> completed;
  if (const std::optional<std::int64_t> first = updated_.current_txn_first_offset()) {
    completed = CompletedTxn{producer_id_, *first, offset, marker.type == protocol::ControlType::kAbort};
  }
  updated_.update_for_marker(epoch, marker.coordinator_epoch, timestamp);
  return completed;
}

}  // namespace sluice::storage
