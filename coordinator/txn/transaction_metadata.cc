#include "coordinator/txn/transaction_metadata.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <utility>

namespace sluice::coordinator {

using protocol::ErrorCode;
using protocol::Result;
using protocol::Status;

namespace {

constexpr std::array<std::string_view, 8> kStateNames = {
    "Empty", "Ongoing", "PrepareCommit", "PrepareAbort", "CompleteCommit", "CompleteAbort", "Dead", "PrepareEpochFence",
};

}  // namespace

std::string_view txn_state_name(TxnState state) { return kStateNames[static_cast<std::size_t>(state)]; }

std::optional<TxnState> txn_state_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kStateNames.size(); ++i) {
    if (kStateNames[i] == name) return static_cast<TxnState>(i);
  }
  return std::nullopt;
}

std::optional<TxnState> txn_state_from_id(std::int8_t id) {
  if (id < 0 || id >= static_cast<std::int8_t>(kStateNames.size())) return std::nullopt;
  return static_cast<TxnState>(id);
}

bool is_valid_previous_state(TxnState to, TxnState from) {
  using S = TxnState;
  switch (to) {
    case S::kEmpty:
      return from == S::kEmpty || from == S::kCompleteCommit || from == S::kCompleteAbort;
    case S::kOngoing:
      return from == S::kOngoing || from == S::kEmpty || from == S::kCompleteCommit || from == S::kCompleteAbort;
    case S::kPrepareCommit:
      return from == S::kOngoing;
    case S::kPrepareAbort:
      return from == S::kOngoing || from == S::kPrepareEpochFence;
    case S::kCompleteCommit:
      return from == S::kPrepareCommit;
    case S::kCompleteAbort:
      return from == S::kPrepareAbort;
    case S::kDead:
      return from == S::kEmpty || from == S::kCompleteAbort || from == S::kCompleteCommit;
    case S::kPrepareEpochFence:
      return from == S::kOngoing;
  }
  return false;
}

bool is_expiration_allowed(TxnState state) {
  return state == TxnState::kEmpty || state == TxnState::kCompleteCommit || state == TxnState::kCompleteAbort;
}

TransactionMetadata::TransactionMetadata(std::string id, std::int64_t pid, std::int32_t timeout_ms, std::int64_t now_ms)
    : transactional_id(std::move(id)) {
  producer_id = pid;
  txn_timeout_ms = timeout_ms;
  txn_last_update_timestamp = now_ms;
}

TransactionMetadata::TransactionMetadata(std::string id, const TxnTransit& stored)
    : TxnTransit(stored), transactional_id(std::move(id)) {}

TxnTransit TransactionMetadata::prepare_no_transit() const { return static_cast<const TxnTransit&>(*this); }

Result<TxnTransit> TransactionMetadata::prepare_fence_producer_epoch() {
  if (producer_epoch == INT16_MAX) {
    return Status{ErrorCode::UNKNOWN_SERVER_ERROR, "cannot fence producer epoch " + std::to_string(producer_epoch)};
  }
  const auto bumped = static_cast<std::int16_t>(has_failed_epoch_fence ? producer_epoch : producer_epoch + 1);
  return prepare_transition_to(TxnState::kPrepareEpochFence, producer_id, bumped, kNoProducerEpoch, txn_timeout_ms,
                               partitions, txn_start_timestamp, txn_last_update_timestamp);
}

Result<TxnTransit> TransactionMetadata::prepare_increment_producer_epoch(std::int32_t new_timeout_ms,
                                                                         std::optional<std::int16_t> expected_epoch,
                                                                         std::int64_t now_ms) {
  if (is_producer_epoch_exhausted()) {
    return Status{ErrorCode::UNKNOWN_SERVER_ERROR, "producer epochs of " + std::to_string(producer_id) + " exhausted"};
  }
  const auto bumped = static_cast<std::int16_t>(producer_epoch + 1);
  std::int16_t next = bumped;
  std::int16_t last = kNoProducerEpoch;
  if (expected_epoch) {
    if (producer_epoch == kNoProducerEpoch || *expected_epoch == producer_epoch) {
      // The producer recovers from an error and nobody else initialized since.
      last = producer_epoch;
    } else if (*expected_epoch == last_producer_epoch) {
      // A retry of a bump that succeeded: the same answer, no new bump.
      next = producer_epoch;
      last = last_producer_epoch;
    } else {
      spdlog::info(
          "Expected producer epoch {} of transactional id {} matches neither the current epoch {} nor the "
          "last epoch {}",
          *expected_epoch, transactional_id, producer_epoch, last_producer_epoch);
      return Status{ErrorCode::PRODUCER_FENCED, "producer epoch " + std::to_string(*expected_epoch) + " is fenced"};
    }
  }
  return prepare_transition_to(TxnState::kEmpty, producer_id, next, last, new_timeout_ms, {}, -1, now_ms);
}

Result<TxnTransit> TransactionMetadata::prepare_producer_id_rotation(std::int64_t new_producer_id,
                                                                     std::int32_t new_timeout_ms, std::int64_t now_ms,
                                                                     bool record_last_epoch) {
  if (state == TxnState::kOngoing || state == TxnState::kPrepareAbort || state == TxnState::kPrepareCommit) {
    return Status{ErrorCode::UNKNOWN_SERVER_ERROR, "cannot rotate producer ids while a transaction is pending"};
  }
  return prepare_transition_to(TxnState::kEmpty, new_producer_id, 0,
                               record_last_epoch ? producer_epoch : kNoProducerEpoch, new_timeout_ms, {}, -1, now_ms);
}

Result<TxnTransit> TransactionMetadata::prepare_add_partitions(const TopicPartitionSet& added, std::int64_t now_ms) {
  const bool starting =
      state == TxnState::kEmpty || state == TxnState::kCompleteCommit || state == TxnState::kCompleteAbort;
  TopicPartitionSet all = partitions;
  all.insert(added.begin(), added.end());
  return prepare_transition_to(TxnState::kOngoing, producer_id, producer_epoch, last_producer_epoch, txn_timeout_ms,
                               std::move(all), starting ? now_ms : txn_start_timestamp, now_ms);
}

Result<TxnTransit> TransactionMetadata::prepare_abort_or_commit(TxnState next, std::int64_t now_ms) {
  return prepare_transition_to(next, producer_id, producer_epoch, last_producer_epoch, txn_timeout_ms, partitions,
                               txn_start_timestamp, now_ms);
}

Result<TxnTransit> TransactionMetadata::prepare_complete(std::int64_t now_ms) {
  const TxnState next = state == TxnState::kPrepareCommit ? TxnState::kCompleteCommit : TxnState::kCompleteAbort;
  // The PrepareAbort carrying the fenced epoch is in the log by now.
  has_failed_epoch_fence = false;
  return prepare_transition_to(next, producer_id, producer_epoch, last_producer_epoch, txn_timeout_ms, {},
                               txn_start_timestamp, now_ms);
}

Result<TxnTransit> TransactionMetadata::prepare_dead() {
  return prepare_transition_to(TxnState::kDead, producer_id, producer_epoch, last_producer_epoch, txn_timeout_ms, {},
                               txn_start_timestamp, txn_last_update_timestamp);
}

Result<TxnTransit> TransactionMetadata::prepare_transition_to(TxnState next, std::int64_t new_producer_id,
                                                              std::int16_t new_epoch, std::int16_t new_last_epoch,
                                                              std::int32_t new_timeout_ms,
                                                              TopicPartitionSet new_partitions,
                                                              std::int64_t new_start_timestamp,
                                                              std::int64_t update_timestamp) {
  if (pending_state) {
    return Status{ErrorCode::CONCURRENT_TRANSACTIONS, "transition to " + std::string(txn_state_name(next)) + " while " +
                                                          std::string(txn_state_name(*pending_state)) + " is pending"};
  }
  if (new_producer_id < 0) {
    return Status{ErrorCode::UNKNOWN_SERVER_ERROR, "illegal producer id " + std::to_string(new_producer_id)};
  }
  if (next != TxnState::kDead && new_epoch < 0) {
    return Status{ErrorCode::UNKNOWN_SERVER_ERROR, "illegal producer epoch " + std::to_string(new_epoch)};
  }
  if (!is_valid_previous_state(next, state)) {
    return Status{ErrorCode::INVALID_TXN_STATE, "transactional id " + transactional_id + " cannot move from " +
                                                    std::string(txn_state_name(state)) + " to " +
                                                    std::string(txn_state_name(next))};
  }
  pending_state = next;
  // Every transit records the id it moves away from (Kafka's lastProducerId).
  return TxnTransit{
      new_producer_id,           producer_id,         new_epoch,       new_last_epoch, new_timeout_ms, next,
      std::move(new_partitions), new_start_timestamp, update_timestamp};
}

Status TransactionMetadata::transition_failure(const TxnTransit& t) const {
  spdlog::error("transactional id {}: transition from {} to {} (producer {} epoch {}) does not follow",
                transactional_id, txn_state_name(state), txn_state_name(t.state), t.producer_id, t.producer_epoch);
  return {ErrorCode::UNKNOWN_SERVER_ERROR, "unexpected transition of transactional id " + transactional_id};
}

Status TransactionMetadata::complete_transition(const TxnTransit& t) {
  if (!pending_state || *pending_state != t.state) return transition_failure(t);
  switch (t.state) {
    case TxnState::kEmpty: {  // InitProducerId
      const bool bump =
          t.producer_epoch == producer_epoch + 1 || (t.producer_epoch == 0 && t.producer_id != producer_id);
      if ((producer_epoch != t.producer_epoch && !bump) || !t.partitions.empty() || t.txn_start_timestamp != -1) {
        return transition_failure(t);
      }
      txn_timeout_ms = t.txn_timeout_ms;
      producer_epoch = t.producer_epoch;
      last_producer_epoch = t.last_producer_epoch;
      producer_id = t.producer_id;
      last_producer_id = t.last_producer_id;
      break;
    }
    case TxnState::kOngoing:  // AddPartitionsToTxn
      if (!same_producer(t) || txn_timeout_ms != t.txn_timeout_ms ||
          !std::includes(t.partitions.begin(), t.partitions.end(), partitions.begin(), partitions.end())) {
        return transition_failure(t);
      }
      txn_start_timestamp = t.txn_start_timestamp;
      partitions.insert(t.partitions.begin(), t.partitions.end());
      break;
    case TxnState::kPrepareCommit:  // EndTxn
    case TxnState::kPrepareAbort:
      if (!same_producer(t) || partitions != t.partitions || txn_timeout_ms != t.txn_timeout_ms ||
          txn_start_timestamp != t.txn_start_timestamp) {
        return transition_failure(t);
      }
      break;
    case TxnState::kCompleteCommit:  // markers written
    case TxnState::kCompleteAbort:
      if (!same_producer(t) || txn_timeout_ms != t.txn_timeout_ms || t.txn_start_timestamp == -1) {
        return transition_failure(t);
      }
      txn_start_timestamp = t.txn_start_timestamp;
      partitions.clear();
      break;
    case TxnState::kPrepareEpochFence:  // always followed by PrepareAbort, never written
    case TxnState::kDead:               // expiry removes the id instead
      return transition_failure(t);
  }
  txn_last_update_timestamp = t.txn_last_update_timestamp;
  pending_state.reset();
  state = t.state;
  return {};
}

void TransactionMetadata::remove_partition(const storage::TopicPartition& tp) {
  if (state != TxnState::kPrepareCommit && state != TxnState::kPrepareAbort) {
    spdlog::error("transactional id {}: marker written for {} in state {}", transactional_id, tp.to_string(),
                  txn_state_name(state));
    return;
  }
  partitions.erase(tp);
}

}  // namespace sluice::coordinator
