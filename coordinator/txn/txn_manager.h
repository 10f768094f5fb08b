// Kafka's transaction coordinator logic (TransactionCoordinator with its
// TransactionStateManager and the marker bookkeeping of
// TransactionMarkerChannelManager): InitProducerId, AddPartitionsToTxn,
// AddOffsetsToTxn and EndTxn move transactional ids through their states,
// each change written to __transaction_state before it is answered; ending
// a transaction writes PrepareCommit/PrepareAbort, answers, has the markers
// written, then writes CompleteCommit/CompleteAbort.
//
// Synchronous and single-threaded: time comes from the injected clock,
// retries fire when tick() is called, and the producer id source's and the
// marker writer's answers must arrive on the same thread (not from inside
// the call that asked). TransactionCoordinator runs it on its own thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coordinator/txn/producer_id_manager.h"
#include "coordinator/txn/transaction_metadata.h"
#include "coordinator/txn/txn_config.h"
#include "coordinator/txn/txn_loader.h"
#include "coordinator/txn/txn_marker_writer.h"
#include "coordinator/txn/txn_state_store.h"
#include "coordinator/txn/txn_types.h"
#include "storage/clock.h"

namespace sluice::coordinator {

class TxnManager {
 public:
  TxnManager(TxnConfig config, TxnStateStore& store, const storage::Clock& clock, ProducerIdSource& producer_ids,
             TxnMarkerWriter& markers);
  ~TxnManager();
  TxnManager(const TxnManager&) = delete;
  TxnManager& operator=(const TxnManager&) = delete;

  const TxnConfig& config() const { return config_; }
  // The __transaction_state partition of `transactional_id` (Kafka's
  // abs(hashCode) % partitions). Thread-safe.
  std::int32_t partition_for(std::string_view transactional_id) const;
  void set_partition_count(std::int32_t partitions);

  // Partition ownership. begin_loading() (thread-safe) makes the
  // partition's ids COORDINATOR_LOAD_IN_PROGRESS; finish_loading() replaces
  // what was held with what was replayed (ignored unless the partition is
  // still loading at `coordinator_epoch`), then finishes the transactions
  // that were committing or aborting: their markers are written again.
  void begin_loading(std::int32_t partition, std::int32_t coordinator_epoch);
  void finish_loading(std::int32_t partition, std::int32_t coordinator_epoch, LoadedTxns loaded);
  // The load failed: the partition is not owned (unless a newer election
  // took over meanwhile).
  void abandon_loading(std::int32_t partition, std::int32_t coordinator_epoch);
  // NOT_COORDINATOR for the partition's ids from now on.
  void unload(std::int32_t partition);
  // NONE, NOT_COORDINATOR or COORDINATOR_LOAD_IN_PROGRESS. Thread-safe.
  ErrorCode status_of(std::string_view transactional_id) const;

  // Asks for the first block of producer ids ahead of the first request.
  void prefetch_producer_ids() { producer_ids_.prefetch(); }

  // Answered at once, or once a block of producer ids arrives (at most
  // TxnConfig::producer_id_wait_ms later, else COORDINATOR_LOAD_IN_PROGRESS).
  void init_producer_id(InitProducerIdParams params, std::function<void(InitProducerIdResult)> done);
  AddPartitionsResult add_partitions(const AddPartitionsParams& params);
  ErrorCode end_txn(const std::string& transactional_id, std::int64_t producer_id, std::int16_t producer_epoch,
                    bool commit);
  std::vector<DescribedTxn> describe_transactions(const std::vector<std::string>& transactional_ids) const;
  // Kafka's ListTransactions filters: states by exact name (unknown names
  // are listed back), producer ids, and transactions running longer than
  // `duration_filter_ms` (-1: any).
  ListTxnsResult list_transactions(const std::vector<std::string>& state_filters,
                                   const std::vector<std::int64_t>& producer_id_filters,
                                   std::int64_t duration_filter_ms) const;

  // transaction.abort.timed.out.transaction.cleanup.interval.ms: aborts
  // every transaction Ongoing longer than its timeout, fencing its producer
  // with a new epoch (PrepareEpochFence, then PrepareAbort).
  void abort_timed_out_transactions();
  // transaction.remove.expired.transaction.cleanup.interval.ms: removes ids
  // idle (Empty or Complete*) for transactional.id.expiration.ms, writing
  // their tombstones.
  void expire_transactional_ids();

  // Runs what is due: marker and Complete* retries, producer id waits.
  void tick();
  std::optional<std::int64_t> earliest_deadline() const;

  // Answers every waiting request with NOT_COORDINATOR and forgets all ids.
  void shutdown();

  // For tests and inspection.
  const TransactionMetadata* transaction(const std::string& transactional_id) const;
  bool markers_pending(const std::string& transactional_id) const { return marker_jobs_.contains(transactional_id); }

 private:
  struct PartitionState {
    bool loading = true;
    std::int32_t coordinator_epoch = 0;
  };

  // A transaction whose markers are being written (Kafka's pending
  // TxnMarkerEntry), then its Complete* record.
  struct MarkerJob {
    std::int32_t txn_partition = 0;
    std::int32_t coordinator_epoch = 0;
    TxnTransit complete;        // the Complete* transition, pending on the metadata
    TopicPartitionSet to_send;  // the partitions of the next attempt
    std::optional<std::int64_t> retry_at_ms;
    bool completing = false;    // every marker is in: (re)write Complete*
    std::uint64_t attempt = 0;  // the write_markers answer awaited
  };

  TransactionMetadata* find(const std::string& transactional_id);
  std::optional<std::int32_t> coordinator_epoch_of(std::int32_t partition) const;  // nullopt: not owned or loading
  bool owns(std::int32_t partition, std::int32_t coordinator_epoch) const;

  // Writes `transit` and applies it; on failure the caller decides about
  // the pending state. Errors as Kafka's appendTransactionToLog maps them.
  ErrorCode write(TransactionMetadata& m, const TxnTransit& transit);

  void wait_for_producer_id(InitProducerIdParams params, std::function<void(InitProducerIdResult)> done);
  // Kafka's endTransaction; `from_client` false for the coordinator's own
  // aborts (a fenced epoch is then expected and allowed).
  ErrorCode end_transaction(const std::string& transactional_id, std::int64_t producer_id, std::int16_t producer_epoch,
                            bool commit, bool from_client);
  // Fences the producer of an Ongoing transaction and aborts it.
  ErrorCode fence_and_abort(TransactionMetadata& m);

  void start_markers(TransactionMetadata& m, TxnTransit complete, std::int32_t coordinator_epoch);
  void send_markers(const std::string& transactional_id);
  void on_markers_written(const std::string& transactional_id, std::uint64_t attempt,
                          const std::vector<MarkerResult>& results);
  void write_complete(const std::string& transactional_id);
  // Forgets a transaction's marker job (its answers are ignored from now on).
  void drop_job(const std::string& transactional_id);
  void drop_partition(std::int32_t partition);

  TxnConfig config_;
  TxnStateStore& store_;
  const storage::Clock& clock_;
  TxnMarkerWriter& markers_;
  ProducerIdManager producer_ids_;
  bool shut_down_ = false;

  mutable std::mutex partitions_mutex_;
  std::int32_t partition_count_;
  std::map<std::int32_t, PartitionState> partitions_;

  std::map<std::string, TransactionMetadata> txns_;
  std::map<std::string, MarkerJob> marker_jobs_;
  std::uint64_t next_attempt_ = 0;
  // Marker answers arriving after this manager is gone are dropped.
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace sluice::coordinator
