// Kafka's ProducerStateEntry and BatchMetadata: what one partition remembers
// about one idempotent/transactional producer -- its epoch, the coordinator
// epoch of its last transaction marker, the first offset of its ongoing
// transaction, and the last NUM_BATCHES_TO_RETAIN (5) batches it appended, so
// a retried batch can be recognised and acknowledged with its original
// offsets instead of being appended twice (KIP-98, KAFKA-5494).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>

#include "protocol/records/record_batch.h"

namespace sluice::storage {

// As many batches as a producer may have in flight
// (max.in.flight.requests.per.connection <= 5 with idempotence).
inline constexpr std::size_t kNumBatchesToRetain = 5;

// Kafka's DefaultRecordBatch.incrementSequence/decrementSequence: sequences
// wrap from INT32_MAX to 0.
std::int32_t increment_sequence(std::int32_t sequence, std::int32_t increment);
std::int32_t decrement_sequence(std::int32_t sequence, std::int32_t decrement);

// One appended batch of a producer (Kafka's BatchMetadata).
struct BatchMetadata {
  std::int32_t last_seq = protocol::kNoSequence;
  std::int64_t last_offset = -1;
  std::int32_t offset_delta = 0;  // last offset - first offset (= last seq - first seq)
  std::int64_t timestamp = protocol::kNoTimestamp;

  std::int32_t first_seq() const { return decrement_sequence(last_seq, offset_delta); }
  std::int64_t first_offset() const { return last_offset - offset_delta; }
  bool operator==(const BatchMetadata&) const = default;
};

class ProducerStateEntry {
 public:
  // A producer this partition has not seen (Kafka's ProducerStateEntry.empty).
  static ProducerStateEntry empty(std::int64_t producer_id);

  ProducerStateEntry(std::int64_t producer_id, std::int16_t producer_epoch, std::int32_t coordinator_epoch,
                     std::int64_t last_timestamp, std::optional<std::int64_t> current_txn_first_offset,
                     std::optional<BatchMetadata> first_batch);

  std::int64_t producer_id() const { return producer_id_; }
  std::int16_t producer_epoch() const { return producer_epoch_; }
  std::int32_t coordinator_epoch() const { return coordinator_epoch_; }
  std::int64_t last_timestamp() const { return last_timestamp_; }
  // The first offset of the producer's ongoing transaction, if one is open.
  std::optional<std::int64_t> current_txn_first_offset() const { return current_txn_first_offset_; }
  // Oldest first.
  const std::deque<BatchMetadata>& batches() const { return batches_; }

  // No cached batch: a producer known only by a marker, or one whose epoch
  // just changed.
  bool is_empty() const { return batches_.empty(); }
  std::int32_t first_seq() const;
  std::int32_t last_seq() const;
  std::int64_t first_data_offset() const;
  std::int64_t last_data_offset() const;
  std::int32_t last_offset_delta() const;

  // The same producer with its epoch, coordinator epoch, timestamp and
  // transaction but no cached batches: what an append starts from, so
  // update() can add only the new batches.
  ProducerStateEntry without_batches() const;

  // Records one appended data batch; a new epoch clears the cache first.
  void add_batch(std::int16_t producer_epoch, std::int32_t last_seq, std::int64_t last_offset,
                 std::int32_t offset_delta, std::int64_t timestamp);
  // Clears the cached batches when the epoch changes; returns whether it did.
  bool maybe_update_producer_epoch(std::int16_t producer_epoch);
  void set_current_txn_first_offset(std::int64_t first_offset) { current_txn_first_offset_ = first_offset; }

  // Folds in the result of an append (`next` holds only the new batches).
  void update(const ProducerStateEntry& next);
  // A transaction marker: takes its epochs and timestamp and ends any open
  // transaction.
  void update_for_marker(std::int16_t producer_epoch, std::int32_t coordinator_epoch, std::int64_t timestamp);

  // The cached batch a retry of (epoch, first_seq..last_seq) duplicates.
  std::optional<BatchMetadata> find_duplicate_batch(std::int16_t producer_epoch, std::int32_t first_seq,
                                                    std::int32_t last_seq) const;
  std::optional<BatchMetadata> find_duplicate_batch(const protocol::RecordBatchHeader& batch) const {
    return find_duplicate_batch(batch.producer_epoch, batch.base_sequence, batch.last_sequence());
  }

  bool operator==(const ProducerStateEntry&) const = default;

 private:
  void add_batch_metadata(const BatchMetadata& batch);

  std::int64_t producer_id_;
  std::int16_t producer_epoch_;
  std::int32_t coordinator_epoch_;
  std::int64_t last_timestamp_;
  std::optional<std::int64_t> current_txn_first_offset_;
  std::deque<BatchMetadata> batches_;
};

}  // namespace sluice::storage
