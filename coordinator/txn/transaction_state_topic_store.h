// TxnStateStore on the real __transaction_state partitions, through the
// replica manager like every other writer: one uncompressed batch per call
// (Kafka's TransactionLog.EnforcedCompression is none), appended as leader;
// flush.messages is honoured like any append.
#pragma once

#include "coordinator/txn/txn_state_store.h"
#include "storage/clock.h"

namespace sluice::storage {
class ReplicaManager;
}  // namespace sluice::storage

namespace sluice::coordinator {

class TransactionStateTopicStore final : public TxnStateStore {
 public:
  TransactionStateTopicStore(storage::ReplicaManager& replicas, const storage::Clock& clock)
      : replicas_(replicas), clock_(clock) {}

  protocol::Status append(std::int32_t partition, const std::vector<TxnRecord>& records) override;

 private:
  storage::ReplicaManager& replicas_;
  const storage::Clock& clock_;
};

}  // namespace sluice::coordinator
