#include "storage/producer/producer_state_entry.h"

#include <limits>

namespace sluice::storage {

namespace {
constexpr std::int32_t kMaxSequence = std::numeric_limits<std::int32_t>::max();
}  // namespace

std::int32_t increment_sequence(std::int32_t sequence, std::int32_t increment) {
  if (sequence > kMaxSequence - increment) return increment - (kMaxSequence - sequence) - 1;
  return sequence + increment;
}

std::int32_t decrement_sequence(std::int32_t sequence, std::int32_t decrement) {
  if (sequence < decrement) return kMaxSequence - (decrement - sequence) + 1;
  return sequence - decrement;
}

ProducerStateEntry ProducerStateEntry::empty(std::int64_t producer_id) {
  return ProducerStateEntry(producer_id, protocol::kNoProducerEpoch, -1, protocol::kNoTimestamp, std::nullopt,
                            std::nullopt);
}

ProducerStateEntry::ProducerStateEntry(std::int64_t producer_id, std::int16_t producer_epoch,
                                       std::int32_t coordinator_epoch, std::int64_t last_timestamp,
                                       std::optional<std::int64_t> current_txn_first_offset,
                                       std::optional<BatchMetadata> first_batch)
    : producer_id_(producer_id),
      producer_epoch_(producer_epoch),
      coordinator_epoch_(coordinator_epoch),
      last_timestamp_(last_timestamp),
      current_txn_first_offset_(current_txn_first_offset) {
  if (first_batch) batches_.push_back(*first_batch);
}

std::int32_t ProducerStateEntry::first_seq() const {
  return is_empty() ? protocol::kNoSequence : batches_.front().first_seq();
}
std::int32_t ProducerStateEntry::last_seq() const {
  return is_empty() ? protocol::kNoSequence : batches_.back().last_seq;
}
std::int64_t ProducerStateEntry::first_data_offset() const { return is_empty() ? -1 : batches_.front().first_offset(); }
std::int64_t ProducerStateEntry::last_data_offset() const { return is_empty() ? -1 : batches_.back().last_offset; }
std::int32_t ProducerStateEntry::last_offset_delta() const { return is_empty() ? 0 : batches_.back().offset_delta; }

ProducerStateEntry ProducerStateEntry::without_batches() const {
  return ProducerStateEntry(producer_id_, producer_epoch_, coordinator_epoch_, last_timestamp_,
                            current_txn_first_offset_, std::nullopt);
}

void ProducerStateEntry::add_batch(std::int16_t producer_epoch, std::int32_t last_seq, std::int64_t last_offset,
                                   std::int32_t offset_delta, std::int64_t timestamp) {
  maybe_update_producer_epoch(producer_epoch);
  add_batch_metadata(BatchMetadata{last_seq, last_offset, offset_delta, timestamp});
  last_timestamp_ = timestamp;
}

bool ProducerStateEntry::maybe_update_producer_epoch(std::int16_t producer_epoch) {
  if (producer_epoch_ == producer_epoch) return false;
  // Sequences restart with each epoch, so the old epoch's batches can no
  // longer be matched against retries.
  batches_.clear();
  producer_epoch_ = producer_epoch;
  return true;
}

void ProducerStateEntry::add_batch_metadata(const BatchMetadata& batch) {
  if (batches_.size() == kNumBatchesToRetain) batches_.pop_front();
  batches_.push_back(batch);
}

void ProducerStateEntry::update(const ProducerStateEntry& next) {
  maybe_update_producer_epoch(next.producer_epoch_);
  for (const BatchMetadata& batch : next.batches_) add_batch_metadata(batch);
  coordinator_epoch_ = next.coordinator_epoch_;
  current_txn_first_offset_ = next.current_txn_first_offset_;
  last_timestamp_ = next.last_timestamp_;
}

void ProducerStateEntry::update_for_marker(std::int16_t producer_epoch, std::int32_t coordinator_epoch,
                                           std::int64_t timestamp) {
  maybe_update_producer_epoch(producer_epoch);
  coordinator_epoch_ = coordinator_epoch;
  current_txn_first_offset_.reset();
  last_timestamp_ = timestamp;
}

std::optional<BatchMetadata> ProducerStateEntry::find_duplicate_batch(std::int16_t producer_epoch,
                                                                      std::int32_t first_seq,
                                                                      std::int32_t last_seq) const {
  if (producer_epoch != producer_epoch_) return std::nullopt;
  for (const BatchMetadata& batch : batches_) {
    if (batch.first_seq() == first_seq && batch.last_seq == last_seq) return batch;
  }
  return std::nullopt;
}

}  // namespace sluice::storage
