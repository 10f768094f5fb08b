#include "coordinator/txn/txn_manager.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>
#include <utility>

#include "coordinator/common/append_errors.h"
#include "coordinator/group/group_partitioner.h"
#include "coordinator/txn/txn_records.h"

namespace sluice::coordinator {

namespace {

// The errors after which a marker is sent again (Kafka's
// TransactionMarkerRequestCompletionHandler retries these).
bool retriable_marker_error(ErrorCode e) {
  switch (e) {
    case ErrorCode::NOT_LEADER_OR_FOLLOWER:
    case ErrorCode::NOT_ENOUGH_REPLICAS:
    case ErrorCode::NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    case ErrorCode::REQUEST_TIMED_OUT:
    case ErrorCode::KAFKA_STORAGE_ERROR:
    case ErrorCode::COORDINATOR_LOAD_IN_PROGRESS:
    case ErrorCode::COORDINATOR_NOT_AVAILABLE:
    case ErrorCode::NOT_COORDINATOR:
    case ErrorCode::NETWORK_EXCEPTION:
      return true;
    default:
      return false;
  }
}

InitProducerIdResult init_error(ErrorCode e) { return InitProducerIdResult{e, kNoProducerId, kNoProducerEpoch}; }

bool preparing(TxnState s) { return s == TxnState::kPrepareCommit || s == TxnState::kPrepareAbort; }
bool settled(TxnState s) {
  return s == TxnState::kEmpty || s == TxnState::kCompleteCommit || s == TxnState::kCompleteAbort;
}

}  // namespace

TxnManager::TxnManager(TxnConfig config, TxnStateStore& store, const storage::Clock& clock,
                       ProducerIdSource& producer_ids, TxnMarkerWriter& markers)
    : config_(config),
      store_(store),
      clock_(clock),
      markers_(markers),
      producer_ids_(producer_ids, clock, config.producer_id_retry_backoff_ms),
      partition_count_(config.state_log_partitions) {}

TxnManager::~TxnManager() { shutdown(); }

// ---- Ownership --------------------------------------------------------------

std::int32_t TxnManager::partition_for(std::string_view transactional_id) const {
  std::lock_guard lock(partitions_mutex_);
  return group_partition(transactional_id, partition_count_);
}

void TxnManager::set_partition_count(std::int32_t partitions) {
  std::lock_guard lock(partitions_mutex_);
  if (partitions > 0) partition_count_ = partitions;
}

void TxnManager::begin_loading(std::int32_t partition, std::int32_t coordinator_epoch) {
  std::lock_guard lock(partitions_mutex_);
  partitions_[partition] = PartitionState{true, coordinator_epoch};
}

void TxnManager::finish_loading(std::int32_t partition, std::int32_t coordinator_epoch, LoadedTxns loaded) {
  {
    std::lock_guard lock(partitions_mutex_);
    auto it = partitions_.find(partition);
    if (it == partitions_.end() || !it->second.loading || it->second.coordinator_epoch != coordinator_epoch) return;
  }
  // What was held came from an older epoch: the log is the truth.
  drop_partition(partition);
  std::vector<std::string> unfinished;
  for (auto& [id, stored] : loaded) {
    if (partition_for(id) != partition) {
      spdlog::warn("transactional id {} found in {}-{}, where it does not belong", id, kTransactionStateTopic,
                   partition);
      continue;
    }
    auto& m = txns_.insert_or_assign(id, TransactionMetadata(id, stored)).first->second;
    if (preparing(m.state)) unfinished.push_back(id);
  }
  {
    std::lock_guard lock(partitions_mutex_);
    partitions_[partition] = PartitionState{false, coordinator_epoch};
  }
  // A coordinator that stopped between PrepareCommit/PrepareAbort and the
  // Complete* record: the markers are written (again) and it completes.
  const std::int64_t now = clock_.now_ms();
  for (const auto& id : unfinished) {
    TransactionMetadata& m = txns_.at(id);
    auto complete = m.prepare_complete(now);
    if (!complete.ok()) {
      spdlog::error("cannot complete transactional id {} after loading: {}", id, complete.status().detail);
      continue;
    }
    spdlog::info("Completing the {} of transactional id {} (producer {} epoch {}) after loading",
                 m.state == TxnState::kPrepareCommit ? "commit" : "abort", id, m.producer_id, m.producer_epoch);
    start_markers(m, std::move(complete).value(), coordinator_epoch);
  }
}

void TxnManager::abandon_loading(std::int32_t partition, std::int32_t coordinator_epoch) {
  {
    std::lock_guard lock(partitions_mutex_);
    auto it = partitions_.find(partition);
    if (it == partitions_.end() || !it->second.loading || it->second.coordinator_epoch != coordinator_epoch) return;
    partitions_.erase(it);
  }
  drop_partition(partition);
}

void TxnManager::unload(std::int32_t partition) {
  {
    std::lock_guard lock(partitions_mutex_);
    partitions_.erase(partition);
  }
  drop_partition(partition);
}

void TxnManager::drop_partition(std::int32_t partition) {
  for (auto it = txns_.begin(); it != txns_.end();) {
    if (partition_for(it->first) == partition) {
      marker_jobs_.erase(it->first);
      it = txns_.erase(it);
    } else {
      ++it;
    }
  }
}

ErrorCode TxnManager::status_of(std::string_view transactional_id) const {
  std::lock_guard lock(partitions_mutex_);
  auto it = partitions_.find(group_partition(transactional_id, partition_count_));
  if (it == partitions_.end()) return ErrorCode::NOT_COORDINATOR;
  return it->second.loading ? ErrorCode::COORDINATOR_LOAD_IN_PROGRESS : ErrorCode::NONE;
}

std::optional<std::int32_t> TxnManager::coordinator_epoch_of(std::int32_t partition) const {
  std::lock_guard lock(partitions_mutex_);
  auto it = partitions_.find(partition);
  if (it == partitions_.end() || it->second.loading) return std::nullopt;
  return it->second.coordinator_epoch;
}

bool TxnManager::owns(std::int32_t partition, std::int32_t coordinator_epoch) const {
  return coordinator_epoch_of(partition) == coordinator_epoch;
}

TransactionMetadata* TxnManager::find(const std::string& transactional_id) {
  auto it = txns_.find(transactional_id);
  return it == txns_.end() ? nullptr : &it->second;
}

const TransactionMetadata* TxnManager::transaction(const std::string& transactional_id) const {
  auto it = txns_.find(transactional_id);
  return it == txns_.end() ? nullptr : &it->second;
}

ErrorCode TxnManager::write(TransactionMetadata& m, const TxnTransit& transit) {
  const protocol::Status s =
      store_.append(partition_for(m.transactional_id), {txn_record(m.transactional_id, transit)});
  if (!s.ok()) {
    const ErrorCode mapped = coordinator_append_error(s.code);
    spdlog::info("writing the {} state of transactional id {} failed: {} {} (answering {})",
                 txn_state_name(transit.state), m.transactional_id, protocol::error_name(s.code), s.detail,
                 protocol::error_name(mapped));
    return mapped;
  }
  if (protocol::Status c = m.complete_transition(transit); !c.ok()) {
    m.pending_state.reset();
    return c.code;
  }
  return ErrorCode::NONE;
}

// ---- InitProducerId ---------------------------------------------------------

void TxnManager::wait_for_producer_id(InitProducerIdParams params, std::function<void(InitProducerIdResult)> done) {
  producer_ids_.wait(clock_.now_ms() + config_.producer_id_wait_ms,
                     [this, params = std::move(params), done = std::move(done)](bool available) mutable {
                       if (shut_down_) {
                         done(init_error(ErrorCode::NOT_COORDINATOR));
                       } else if (!available) {
                         // Retriable for every client (REQUEST_TIMED_OUT is fatal to old ones).
                         done(init_error(ErrorCode::COORDINATOR_LOAD_IN_PROGRESS));
                       } else {
                         init_producer_id(std::move(params), std::move(done));
                       }
                     });
}

void TxnManager::init_producer_id(InitProducerIdParams params, std::function<void(InitProducerIdResult)> done) {
  if (shut_down_) return done(init_error(ErrorCode::NOT_COORDINATOR));
  // KafkaApis: an id without an epoch (or the reverse) is malformed.
  if ((params.producer_id == kNoProducerId) != (params.producer_epoch == kNoProducerEpoch)) {
    return done(init_error(ErrorCode::INVALID_REQUEST));
  }
  if (!params.transactional_id) {
    // An idempotent producer always gets a new id (also under KIP-360:
    // without a transactional id there is no state to carry over).
    const std::optional<std::int64_t> id = producer_ids_.next_id();
    if (!id) return wait_for_producer_id(std::move(params), std::move(done));
    return done(InitProducerIdResult{ErrorCode::NONE, *id, 0});
  }
  const std::string& txn_id = *params.transactional_id;
  if (txn_id.empty()) return done(init_error(ErrorCode::INVALID_REQUEST));
  if (params.txn_timeout_ms <= 0 || params.txn_timeout_ms > config_.max_timeout_ms) {
    return done(init_error(ErrorCode::INVALID_TRANSACTION_TIMEOUT));
  }
  if (ErrorCode e = status_of(txn_id); e != ErrorCode::NONE) return done(init_error(e));

  const std::int64_t now = clock_.now_ms();
  TransactionMetadata* m = find(txn_id);
  if (!m) {
    const std::optional<std::int64_t> id = producer_ids_.next_id();
    if (!id) return wait_for_producer_id(std::move(params), std::move(done));
    m = &txns_.emplace(txn_id, TransactionMetadata(txn_id, *id, params.txn_timeout_ms, now)).first->second;
  }

  const bool expected = params.producer_id != kNoProducerId;
  if (m->pending_transition_in_progress()) return done(init_error(ErrorCode::CONCURRENT_TRANSACTIONS));
  // KIP-360: the producer's id must be the current one, or the previous one
  // when its epoch ran out (a retry of the bump that rotated the id); a
  // metadata without an epoch yet was just created and takes anyone.
  if (expected && !(m->producer_epoch == kNoProducerEpoch || params.producer_id == m->producer_id ||
                    (params.producer_id == m->last_producer_id &&
                     TransactionMetadata::is_epoch_exhausted(params.producer_epoch)))) {
    return done(init_error(ErrorCode::PRODUCER_FENCED));
  }

  switch (m->state) {
    case TxnState::kPrepareCommit:
    case TxnState::kPrepareAbort:
      return done(init_error(ErrorCode::CONCURRENT_TRANSACTIONS));
    case TxnState::kEmpty:
    case TxnState::kCompleteCommit:
    case TxnState::kCompleteAbort: {
      protocol::Result<TxnTransit> transit = protocol::Status{};
      if (m->is_producer_epoch_exhausted() && (!expected || params.producer_epoch == m->producer_epoch)) {
        const std::optional<std::int64_t> id = producer_ids_.next_id();
        if (!id) return wait_for_producer_id(std::move(params), std::move(done));
        transit = m->prepare_producer_id_rotation(*id, params.txn_timeout_ms, now, expected);
      } else {
        std::optional<std::int16_t> expected_epoch;
        if (expected) expected_epoch = params.producer_epoch;
        transit = m->prepare_increment_producer_epoch(params.txn_timeout_ms, expected_epoch, now);
      }
      if (!transit.ok()) return done(init_error(transit.code()));
      if (ErrorCode e = write(*m, *transit); e != ErrorCode::NONE) {
        m->pending_state.reset();
        spdlog::info("Returning {} to InitProducerId of transactional id {}", protocol::error_name(e), txn_id);
        return done(init_error(e));
      }
      spdlog::info("Initialized transactional id {} with producer id {} and epoch {} on partition {}-{}", txn_id,
                   transit->producer_id, transit->producer_epoch, kTransactionStateTopic, partition_for(txn_id));
      return done(InitProducerIdResult{ErrorCode::NONE, transit->producer_id, transit->producer_epoch});
    }
    case TxnState::kOngoing: {
      // Abort the running transaction first, fencing its producer; the new
      // one retries on CONCURRENT_TRANSACTIONS until the abort completes and
      // then gets a second bump (or a new id if that exhausts the epochs).
      const ErrorCode e = fence_and_abort(*m);
      return done(init_error(e == ErrorCode::NONE ? ErrorCode::CONCURRENT_TRANSACTIONS : e));
    }
    case TxnState::kDead:
    case TxnState::kPrepareEpochFence:
      spdlog::error("transactional id {} is in state {}, which is never settled", txn_id, txn_state_name(m->state));
      return done(init_error(ErrorCode::UNKNOWN_SERVER_ERROR));
  }
}

ErrorCode TxnManager::fence_and_abort(TransactionMetadata& m) {
  auto fence = m.prepare_fence_producer_epoch();
  if (!fence.ok()) return fence.code();
  const std::string txn_id = m.transactional_id;
  const ErrorCode e = end_transaction(txn_id, fence->producer_id, fence->producer_epoch, false, false);
  // A fence that never got to its PrepareAbort must not block the id.
  if (TransactionMetadata* now = find(txn_id); now && now->pending_state == TxnState::kPrepareEpochFence) {
    now->pending_state.reset();
  }
  return e;
}

// ---- AddPartitionsToTxn / AddOffsetsToTxn -----------------------------------

AddPartitionsResult TxnManager::add_partitions(const AddPartitionsParams& params) {
  AddPartitionsResult result;
  const auto all = [&](ErrorCode e) {
    result.top_level = e;
    for (const auto& tp : params.partitions) result.partitions.emplace_back(tp, e);
    return result;
  };
  if (shut_down_) return all(ErrorCode::NOT_COORDINATOR);
  if (params.transactional_id.empty()) return all(ErrorCode::INVALID_REQUEST);
  if (ErrorCode e = status_of(params.transactional_id); e != ErrorCode::NONE) return all(e);
  TransactionMetadata* m = find(params.transactional_id);
  if (!m || m->producer_id != params.producer_id) return all(ErrorCode::INVALID_PRODUCER_ID_MAPPING);
  // Kafka 3.x answers PRODUCER_FENCED (not INVALID_PRODUCER_EPOCH) here.
  if (m->producer_epoch != params.producer_epoch) return all(ErrorCode::PRODUCER_FENCED);

  if (params.verify_only) {
    // KIP-890: the pending state is not checked (partitions join the
    // metadata once written and leave once their marker is).
    if (preparing(m->state)) return all(ErrorCode::CONCURRENT_TRANSACTIONS);
    for (const auto& tp : params.partitions) {
      // INVALID_TXN_STATE: not in the transaction (the partition leader
      // turns it into INVALID_TXN_STATE or TRANSACTION_ABORTABLE for the
      // producer, depending on the produce version).
      result.partitions.emplace_back(tp, m->partitions.contains(tp) ? ErrorCode::NONE : ErrorCode::INVALID_TXN_STATE);
    }
    return result;
  }

  if (m->pending_transition_in_progress() || preparing(m->state)) return all(ErrorCode::CONCURRENT_TRANSACTIONS);
  const TopicPartitionSet added(params.partitions.begin(), params.partitions.end());
  if (m->state == TxnState::kOngoing &&
      std::includes(m->partitions.begin(), m->partitions.end(), added.begin(), added.end())) {
    return all(ErrorCode::NONE);  // already there: nothing to write
  }
  if (m->state != TxnState::kOngoing && !settled(m->state)) return all(ErrorCode::INVALID_TXN_STATE);
  auto transit = m->prepare_add_partitions(added, clock_.now_ms());
  if (!transit.ok()) return all(transit.code());
  const ErrorCode e = write(*m, *transit);
  if (e != ErrorCode::NONE) m->pending_state.reset();
  return all(e);
}

// ---- EndTxn -----------------------------------------------------------------

ErrorCode TxnManager::end_txn(const std::string& transactional_id, std::int64_t producer_id,
                              std::int16_t producer_epoch, bool commit) {
  if (shut_down_) return ErrorCode::NOT_COORDINATOR;
  return end_transaction(transactional_id, producer_id, producer_epoch, commit, true);
}

ErrorCode TxnManager::end_transaction(const std::string& transactional_id, std::int64_t producer_id,
                                      std::int16_t producer_epoch, bool commit, bool from_client) {
  if (transactional_id.empty()) return ErrorCode::INVALID_REQUEST;
  if (ErrorCode e = status_of(transactional_id); e != ErrorCode::NONE) return e;
  TransactionMetadata* m = find(transactional_id);
  if (!m || m->producer_id != producer_id) return ErrorCode::INVALID_PRODUCER_ID_MAPPING;
  // A client must use the current epoch; the coordinator's own abort comes
  // with the epoch it is fencing to.
  if ((from_client && producer_epoch != m->producer_epoch) || producer_epoch < m->producer_epoch) {
    return ErrorCode::PRODUCER_FENCED;
  }
  if (m->pending_state && *m->pending_state != TxnState::kPrepareEpochFence) return ErrorCode::CONCURRENT_TRANSACTIONS;

  const auto wrong_state = [&] {
    spdlog::debug("transactional id {} is {}, but was asked to {}", transactional_id, txn_state_name(m->state),
                  commit ? "commit" : "abort");
    return ErrorCode::INVALID_TXN_STATE;
  };
  bool epoch_fence = false;
  switch (m->state) {
    case TxnState::kOngoing:
      break;
    case TxnState::kCompleteCommit:  // a retry of an EndTxn that succeeded
      return commit ? ErrorCode::NONE : wrong_state();
    case TxnState::kCompleteAbort:
      return commit ? wrong_state() : ErrorCode::NONE;
    case TxnState::kPrepareCommit:  // a retry while the markers are written
      return commit ? ErrorCode::CONCURRENT_TRANSACTIONS : wrong_state();
    case TxnState::kPrepareAbort:
      return commit ? wrong_state() : ErrorCode::CONCURRENT_TRANSACTIONS;
    case TxnState::kEmpty:
      return wrong_state();
    case TxnState::kDead:
    case TxnState::kPrepareEpochFence:
      spdlog::error("transactional id {} is in state {}, which is never settled", transactional_id,
                    txn_state_name(m->state));
      return ErrorCode::UNKNOWN_SERVER_ERROR;
  }
  const TxnState next = commit ? TxnState::kPrepareCommit : TxnState::kPrepareAbort;
  if (next == TxnState::kPrepareAbort && m->pending_state == TxnState::kPrepareEpochFence) {
    // The fence becomes the abort: its bumped epoch goes into PrepareAbort.
    epoch_fence = true;
    m->pending_state.reset();
    m->producer_epoch = producer_epoch;
    m->last_producer_epoch = kNoProducerEpoch;
  }
  auto transit = m->prepare_abort_or_commit(next, clock_.now_ms());
  if (!transit.ok()) return transit.code();
  if (ErrorCode e = write(*m, *transit); e != ErrorCode::NONE) {
    m->pending_state.reset();
    // The bumped epoch stays in memory (never answered to anyone); the next
    // fence reuses it rather than bumping again.
    if (epoch_fence) m->has_failed_epoch_fence = true;
    return e;
  }
  auto complete = m->prepare_complete(clock_.now_ms());
  if (!complete.ok()) return complete.code();
  const std::optional<std::int32_t> coordinator_epoch = coordinator_epoch_of(partition_for(transactional_id));
  start_markers(*m, std::move(complete).value(), coordinator_epoch.value_or(0));
  return ErrorCode::NONE;
}

// ---- Markers ----------------------------------------------------------------

void TxnManager::start_markers(TransactionMetadata& m, TxnTransit complete, std::int32_t coordinator_epoch) {
  MarkerJob job;
  job.txn_partition = partition_for(m.transactional_id);
  job.coordinator_epoch = coordinator_epoch;
  job.complete = std::move(complete);
  job.to_send = m.partitions;
  marker_jobs_.insert_or_assign(m.transactional_id, std::move(job));
  send_markers(m.transactional_id);
}

void TxnManager::send_markers(const std::string& transactional_id) {
  auto it = marker_jobs_.find(transactional_id);
  if (it == marker_jobs_.end()) return;
  MarkerJob& job = it->second;
  TransactionMetadata* m = find(transactional_id);
  if (!m || !owns(job.txn_partition, job.coordinator_epoch)) return drop_job(transactional_id);
  job.retry_at_ms.reset();
  if (job.to_send.empty()) return write_complete(transactional_id);
  TxnMarkerRequest request;
  request.producer_id = m->producer_id;
  request.producer_epoch = m->producer_epoch;
  request.coordinator_epoch = job.coordinator_epoch;
  request.commit = job.complete.state == TxnState::kCompleteCommit;
  request.partitions.assign(job.to_send.begin(), job.to_send.end());
  const std::uint64_t attempt = ++next_attempt_;
  job.attempt = attempt;
  markers_.write_markers(std::move(request), [alive = std::weak_ptr<int>(alive_), this, transactional_id,
                                              attempt](std::vector<MarkerResult> results) {
    if (alive.expired()) return;
    on_markers_written(transactional_id, attempt, results);
  });
}

void TxnManager::on_markers_written(const std::string& transactional_id, std::uint64_t attempt,
                                    const std::vector<MarkerResult>& results) {
  auto it = marker_jobs_.find(transactional_id);
  if (it == marker_jobs_.end() || it->second.attempt != attempt || it->second.completing) return;
  MarkerJob& job = it->second;
  TransactionMetadata* m = find(transactional_id);
  // Only the coordinator that wrote PrepareCommit/PrepareAbort, at the same
  // epoch, carries the transaction on.
  if (!m || !owns(job.txn_partition, job.coordinator_epoch) || m->producer_id != job.complete.producer_id ||
      m->producer_epoch != job.complete.producer_epoch || !preparing(m->state)) {
    return drop_job(transactional_id);
  }
  TopicPartitionSet retry;
  TopicPartitionSet answered;
  bool fenced = false;
  for (const MarkerResult& r : results) {
    if (!job.to_send.contains(r.tp) || !answered.insert(r.tp).second) continue;
    switch (r.error) {
      case ErrorCode::NONE:
        m->remove_partition(r.tp);
        break;
      case ErrorCode::UNKNOWN_TOPIC_OR_PARTITION:
        spdlog::info("{} of transactional id {} no longer exists: no marker for it", r.tp.to_string(),
                     transactional_id);
        m->remove_partition(r.tp);
        break;
      case ErrorCode::UNSUPPORTED_FOR_MESSAGE_FORMAT:
        spdlog::warn("{} cannot take a transaction marker (message format too old): skipped", r.tp.to_string());
        m->remove_partition(r.tp);
        break;
      case ErrorCode::INVALID_PRODUCER_EPOCH:
      case ErrorCode::TRANSACTION_COORDINATOR_FENCED:
        fenced = true;
        break;
      default:
        if (!retriable_marker_error(r.error)) {
          spdlog::error("unexpected {} writing the marker of transactional id {} to {}: retrying",
                        protocol::error_name(r.error), transactional_id, r.tp.to_string());
        }
        retry.insert(r.tp);
        break;
    }
  }
  if (fenced) {
    // A newer coordinator (or producer epoch) exists: it finishes the
    // transaction, this one stops (Kafka's abortSending).
    spdlog::warn("stopping the markers of transactional id {}: this coordinator (epoch {}) is fenced", transactional_id,
                 job.coordinator_epoch);
    return drop_job(transactional_id);
  }
  for (const auto& tp : job.to_send) {
    if (!answered.contains(tp)) retry.insert(tp);
  }
  job.to_send = std::move(retry);
  if (job.to_send.empty()) return write_complete(transactional_id);
  job.retry_at_ms = clock_.now_ms() + config_.marker_retry_backoff_ms;
}

void TxnManager::write_complete(const std::string& transactional_id) {
  auto it = marker_jobs_.find(transactional_id);
  if (it == marker_jobs_.end()) return;
  MarkerJob& job = it->second;
  TransactionMetadata* m = find(transactional_id);
  if (!m || !owns(job.txn_partition, job.coordinator_epoch)) return drop_job(transactional_id);
  job.completing = true;
  job.retry_at_ms.reset();
  const protocol::Status s = store_.append(job.txn_partition, {txn_record(transactional_id, job.complete)});
  if (s.ok()) {
    if (protocol::Status c = m->complete_transition(job.complete); !c.ok()) m->pending_state.reset();
    spdlog::debug("Completed the transaction of transactional id {} ({})", transactional_id,
                  txn_state_name(job.complete.state));
    marker_jobs_.erase(it);
    return;
  }
  // Kafka retries COORDINATOR_NOT_AVAILABLE and gives up on the rest,
  // leaving the transaction to the next coordinator; while this one still
  // owns the partition it keeps trying, the Complete* state pending (other
  // requests get CONCURRENT_TRANSACTIONS).
  spdlog::warn("writing {} of transactional id {} failed: {} {}; retrying", txn_state_name(job.complete.state),
               transactional_id, protocol::error_name(s.code), s.detail);
  job.retry_at_ms = clock_.now_ms() + config_.marker_retry_backoff_ms;
}

void TxnManager::drop_job(const std::string& transactional_id) { marker_jobs_.erase(transactional_id); }

// ---- DescribeTransactions / ListTransactions --------------------------------

std::vector<DescribedTxn> TxnManager::describe_transactions(const std::vector<std::string>& transactional_ids) const {
  std::vector<DescribedTxn> out;
  for (const auto& id : transactional_ids) {
    DescribedTxn& d = out.emplace_back();
    d.transactional_id = id;
    if (shut_down_) {
      d.error = ErrorCode::COORDINATOR_NOT_AVAILABLE;
      continue;
    }
    if (id.empty()) {
      d.error = ErrorCode::INVALID_REQUEST;
      continue;
    }
    if (ErrorCode e = status_of(id); e != ErrorCode::NONE) {
      d.error = e;
      continue;
    }
    const TransactionMetadata* m = transaction(id);
    if (!m || m->state == TxnState::kDead) {  // Dead: being removed
      d.error = ErrorCode::TRANSACTIONAL_ID_NOT_FOUND;
      continue;
    }
    d.state = std::string(txn_state_name(m->state));
    d.producer_id = m->producer_id;
    d.producer_epoch = m->producer_epoch;
    d.timeout_ms = m->txn_timeout_ms;
    d.start_timestamp = m->txn_start_timestamp;
    d.partitions.assign(m->partitions.begin(), m->partitions.end());
  }
  return out;
}

ListTxnsResult TxnManager::list_transactions(const std::vector<std::string>& state_filters,
                                             const std::vector<std::int64_t>& producer_id_filters,
                                             std::int64_t duration_filter_ms) const {
  ListTxnsResult result;
  if (shut_down_) {
    result.error = ErrorCode::COORDINATOR_NOT_AVAILABLE;
    return result;
  }
  {
    std::lock_guard lock(partitions_mutex_);
    for (const auto& [p, state] : partitions_) {
      if (state.loading) {
        result.error = ErrorCode::COORDINATOR_LOAD_IN_PROGRESS;
        return result;
      }
    }
  }
  std::set<TxnState> states;
  for (const auto& name : state_filters) {
    if (auto s = txn_state_from_name(name)) {
      states.insert(*s);
    } else {
      result.unknown_state_filters.push_back(name);
    }
  }
  const std::set<std::int64_t> producer_ids(producer_id_filters.begin(), producer_id_filters.end());
  const std::int64_t now = clock_.now_ms();
  for (const auto& [id, m] : txns_) {
    if (m.state == TxnState::kDead) continue;  // being removed
    if (!producer_ids.empty() && !producer_ids.contains(m.producer_id)) continue;
    if (!state_filters.empty() && !states.contains(m.state)) continue;
    // As Kafka: a transaction that is not running has start -1, which
    // counts as running since the epoch.
    if (duration_filter_ms >= 0 && now - m.txn_start_timestamp <= duration_filter_ms) continue;
    result.transactions.push_back({id, m.producer_id, std::string(txn_state_name(m.state))});
  }
  return result;
}

// ---- Timers -----------------------------------------------------------------

void TxnManager::abort_timed_out_transactions() {
  if (shut_down_) return;
  const std::int64_t now = clock_.now_ms();
  std::vector<std::pair<std::string, std::int64_t>> timed_out;
  for (const auto& [id, m] : txns_) {
    if (m.pending_transition_in_progress() || m.state != TxnState::kOngoing) continue;
    if (m.txn_start_timestamp + m.txn_timeout_ms >= now) continue;
    if (!coordinator_epoch_of(partition_for(id))) continue;  // loading
    timed_out.emplace_back(id, m.producer_id);
  }
  for (const auto& [id, producer_id] : timed_out) {
    TransactionMetadata* m = find(id);
    if (!m || m->producer_id != producer_id || m->pending_transition_in_progress()) continue;
    spdlog::info(
        "Aborting the transaction of transactional id {} (producer {} epoch {}): it ran past its timeout "
        "of {} ms",
        id, m->producer_id, m->producer_epoch, m->txn_timeout_ms);
    const ErrorCode e = fence_and_abort(*m);
    if (e != ErrorCode::NONE) {
      spdlog::warn("Rollback of the timed out transaction of transactional id {} failed: {}", id,
                   protocol::error_name(e));
    }
  }
}

void TxnManager::expire_transactional_ids() {
  if (shut_down_) return;
  const std::int64_t now = clock_.now_ms();
  std::map<std::int32_t, std::vector<std::string>> by_partition;
  for (auto& [id, m] : txns_) {
    if (m.pending_transition_in_progress() || !is_expiration_allowed(m.state)) continue;
    if (m.txn_last_update_timestamp > now - config_.transactional_id_expiration_ms) continue;
    const std::int32_t p = partition_for(id);
    if (!coordinator_epoch_of(p)) continue;
    if (!m.prepare_dead().ok()) continue;
    by_partition[p].push_back(id);
  }
  for (const auto& [p, ids] : by_partition) {
    std::vector<TxnRecord> tombstones;
    for (const auto& id : ids) tombstones.push_back(txn_tombstone(id));
    const protocol::Status s = store_.append(p, tombstones);
    for (const auto& id : ids) {
      TransactionMetadata* m = find(id);
      if (!m) continue;
      if (s.ok() && m->pending_state == TxnState::kDead) {
        spdlog::info("Removed expired transactional id {} (producer {})", id, m->producer_id);
        txns_.erase(id);
      } else {
        m->pending_state.reset();
      }
    }
    if (!s.ok()) {
      spdlog::warn("writing the tombstones of {} expired transactional ids to {}-{} failed: {} {}", ids.size(),
                   kTransactionStateTopic, p, protocol::error_name(s.code), s.detail);
    }
  }
}

void TxnManager::tick() {
  producer_ids_.tick();
  const std::int64_t now = clock_.now_ms();
  std::vector<std::string> due;
  for (const auto& [id, job] : marker_jobs_) {
    if (job.retry_at_ms && *job.retry_at_ms <= now) due.push_back(id);
  }
  for (const auto& id : due) {
    auto it = marker_jobs_.find(id);
    if (it == marker_jobs_.end()) continue;
    if (it->second.completing) {
      write_complete(id);
    } else {
      send_markers(id);
    }
  }
}

std::optional<std::int64_t> TxnManager::earliest_deadline() const {
  std::optional<std::int64_t> earliest = producer_ids_.earliest_deadline();
  for (const auto& [id, job] : marker_jobs_) {
    if (job.retry_at_ms && (!earliest || *job.retry_at_ms < *earliest)) earliest = job.retry_at_ms;
  }
  return earliest;
}

void TxnManager::shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  producer_ids_.shutdown();
  marker_jobs_.clear();
  txns_.clear();
  std::lock_guard lock(partitions_mutex_);
  partitions_.clear();
}

}  // namespace sluice::coordinator
