// Kafka's TransactionCoordinator: transactional producers' state lives in
// __transaction_state. The broker is the coordinator of the transactional
// ids that hash to the partitions of that topic it leads; each such
// partition is replayed into memory when this broker becomes its leader,
// and transactions it finds half-ended (PrepareCommit/PrepareAbort) are
// finished: their markers are written again.
//
// Every operation runs on the coordinator's own thread, one at a time (the
// logic is TxnManager's); a result is handed to `done` on that thread. The
// producer id source's and marker writer's answers may come on any thread:
// they are posted back to it. An InitProducerId may wait for a block of
// producer ids; EndTxn is answered once PrepareCommit/PrepareAbort is
// written, the markers and Complete* follow in the background.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coordinator/txn/producer_id_source.h"
#include "coordinator/txn/txn_config.h"
#include "coordinator/txn/txn_marker_writer.h"
#include "coordinator/txn/txn_types.h"

namespace sluice::storage {
class Clock;
class ReplicaManager;
}  // namespace sluice::storage

namespace sluice::coordinator {

class TransactionCoordinator {
 public:
  // `producer_ids` and `markers` must outlive the coordinator (or its
  // shutdown); their late answers are dropped after shutdown.
  TransactionCoordinator(TxnConfig config, storage::ReplicaManager& replicas, const storage::Clock& clock,
                         ProducerIdSource& producer_ids, TxnMarkerWriter& markers);
  ~TransactionCoordinator();
  TransactionCoordinator(const TransactionCoordinator&) = delete;
  TransactionCoordinator& operator=(const TransactionCoordinator&) = delete;

  // The __transaction_state partition of `transactional_id`: abs(Java
  // hashCode) % partitions, as Kafka computes it.
  static std::int32_t partition_for(std::string_view transactional_id, std::int32_t partitions);
  std::int32_t partition_for(std::string_view transactional_id) const;
  // transaction.state.log.num.partitions until the topic exists, then its
  // actual partition count.
  void set_partition_count(std::int32_t partitions);

  // This broker leads __transaction_state-`partition` from
  // `coordinator_epoch` (its leader epoch) on: load its ids
  // (COORDINATOR_LOAD_IN_PROGRESS until done) and finish the transactions
  // left half-ended.
  void on_election(std::int32_t partition, std::int32_t coordinator_epoch);
  // It no longer does: drop its ids (NOT_COORDINATOR from now on).
  void on_resignation(std::int32_t partition);
  // NONE, NOT_COORDINATOR or COORDINATOR_LOAD_IN_PROGRESS. Thread-safe.
  ErrorCode status_of(std::string_view transactional_id) const;

  void init_producer_id(InitProducerIdParams params, std::function<void(InitProducerIdResult)> done);
  void add_partitions(AddPartitionsParams params, std::function<void(AddPartitionsResult)> done);
  void end_txn(std::string transactional_id, std::int64_t producer_id, std::int16_t producer_epoch, bool commit,
               std::function<void(ErrorCode)> done);
  // Per id, in request order.
  void describe_transactions(std::vector<std::string> transactional_ids,
                             std::function<void(std::vector<DescribedTxn>)> done);
  // `duration_filter_ms` -1: no duration filter.
  void list_transactions(std::vector<std::string> state_filters, std::vector<std::int64_t> producer_id_filters,
                         std::int64_t duration_filter_ms, std::function<void(ListTxnsResult)> done);

  // Answers every waiting request with NOT_COORDINATOR and stops the thread.
  void shutdown();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice::coordinator
