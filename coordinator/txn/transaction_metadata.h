// One transactional id's state as Kafka's TransactionMetadata keeps it: the
// producer id and epoch it hands out, the transaction's partitions, and the
// state machine (TransactionState.validPreviousStates). A change is made in
// two steps, as Kafka does: prepare_*() checks the transition and returns
// its target (TxnTransit), marking it pending; once the target is written to
// __transaction_state, complete_transition() applies it (or, when the write
// failed, the caller clears the pending state). While a transition is
// pending, other requests get CONCURRENT_TRANSACTIONS.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "protocol/result.h"
#include "storage/topic_partition.h"

namespace sluice::coordinator {

inline constexpr std::int64_t kNoProducerId = -1;
inline constexpr std::int16_t kNoProducerEpoch = -1;

// The ids are the TransactionStatus byte of TransactionLogValue.
enum class TxnState : std::int8_t {
  kEmpty = 0,
  kOngoing = 1,
  kPrepareCommit = 2,
  kPrepareAbort = 3,
  kCompleteCommit = 4,
  kCompleteAbort = 5,
  kDead = 6,
  kPrepareEpochFence = 7,
};

// "Empty", "Ongoing", ...: the names DescribeTransactions and
// ListTransactions use (case-sensitive, as Kafka's fromName).
std::string_view txn_state_name(TxnState state);
std::optional<TxnState> txn_state_from_name(std::string_view name);
std::optional<TxnState> txn_state_from_id(std::int8_t id);
// Kafka's TransactionState.validPreviousStates.
bool is_valid_previous_state(TxnState to, TxnState from);
// Empty, CompleteCommit and CompleteAbort ids may expire.
bool is_expiration_allowed(TxnState state);

using TopicPartitionSet = std::set<storage::TopicPartition>;

// The target of a transition (Kafka's TxnTransitMetadata); also what a
// TransactionLogValue holds.
struct TxnTransit {
  std::int64_t producer_id = kNoProducerId;
  std::int64_t last_producer_id = kNoProducerId;
  std::int16_t producer_epoch = kNoProducerEpoch;
  std::int16_t last_producer_epoch = kNoProducerEpoch;
  std::int32_t txn_timeout_ms = 0;
  TxnState state = TxnState::kEmpty;
  TopicPartitionSet partitions;
  std::int64_t txn_start_timestamp = -1;
  std::int64_t txn_last_update_timestamp = -1;
  bool operator==(const TxnTransit&) const = default;
};

// One transactional id: its current state (the fields a transit carries)
// and the transition being written.
struct TransactionMetadata : TxnTransit {
  // A new transactional id: Empty, no epoch yet (the first InitProducerId
  // bumps it to 0).
  TransactionMetadata(std::string id, std::int64_t pid, std::int32_t timeout_ms, std::int64_t now_ms);
  // As replayed from its latest TransactionLogValue (the last epoch is not
  // in the record: unknown after a load, as in Kafka).
  TransactionMetadata(std::string id, const TxnTransit& stored);

  // A producer may use epochs up to Short.MaxValue - 1, so the coordinator
  // can always fence it with one more.
  static bool is_epoch_exhausted(std::int16_t epoch) { return epoch >= INT16_MAX - 1; }
  bool is_producer_epoch_exhausted() const { return is_epoch_exhausted(producer_epoch); }
  bool pending_transition_in_progress() const { return pending_state.has_value(); }

  // The current state as a transit (no pending state set).
  TxnTransit prepare_no_transit() const;
  // Ongoing -> PrepareEpochFence with epoch + 1 (not again if a previous
  // fence could not be written), fencing the producer before an abort.
  protocol::Result<TxnTransit> prepare_fence_producer_epoch();
  // -> Empty with the next epoch (InitProducerId). With `expected_epoch`
  // (KIP-360): the current epoch bumps, the last epoch is a retry of a bump
  // that succeeded (same answer), anything else is PRODUCER_FENCED.
  protocol::Result<TxnTransit> prepare_increment_producer_epoch(std::int32_t new_timeout_ms,
                                                                std::optional<std::int16_t> expected_epoch,
                                                                std::int64_t now_ms);
  // -> Empty with a new producer id at epoch 0, when the epoch is exhausted.
  protocol::Result<TxnTransit> prepare_producer_id_rotation(std::int64_t new_producer_id, std::int32_t new_timeout_ms,
                                                            std::int64_t now_ms, bool record_last_epoch);
  // -> Ongoing with `added` joined to the partitions (the transaction
  // starts now when it was not running).
  protocol::Result<TxnTransit> prepare_add_partitions(const TopicPartitionSet& added, std::int64_t now_ms);
  // Ongoing -> PrepareCommit or PrepareAbort.
  protocol::Result<TxnTransit> prepare_abort_or_commit(TxnState next, std::int64_t now_ms);
  // PrepareCommit -> CompleteCommit, PrepareAbort -> CompleteAbort, once the
  // markers are written.
  protocol::Result<TxnTransit> prepare_complete(std::int64_t now_ms);
  // -> Dead: the id is expiring (its tombstone is being written).
  protocol::Result<TxnTransit> prepare_dead();

  // Applies the pending transition once `transit` is in the log; a target
  // that does not follow from the current state is a coordinator bug
  // (UNKNOWN_SERVER_ERROR, nothing changes but the pending state is kept).
  protocol::Status complete_transition(const TxnTransit& transit);

  // A marker for `tp` is written (only while PrepareCommit/PrepareAbort).
  void remove_partition(const storage::TopicPartition& tp);

  std::string transactional_id;
  // The state a transition being written moves to.
  std::optional<TxnState> pending_state;
  // A fence's bumped epoch may not have reached the log: the next fence
  // reuses it rather than bumping again (Kafka's hasFailedEpochFence).
  bool has_failed_epoch_fence = false;

 private:
  protocol::Result<TxnTransit> prepare_transition_to(TxnState next, std::int64_t new_producer_id,
                                                     std::int16_t new_epoch, std::int16_t new_last_epoch,
                                                     std::int32_t new_timeout_ms, TopicPartitionSet new_partitions,
                                                     std::int64_t new_start_timestamp, std::int64_t update_timestamp);
  bool same_producer(const TxnTransit& t) const {
    return t.producer_id == producer_id && t.producer_epoch == producer_epoch;
  }
  protocol::Status transition_failure(const TxnTransit& t) const;
};

}  // namespace sluice::coordinator
