#include "coordinator/txn/transaction_state_topic_store.h"

#include "protocol/records/record_batch_builder.h"
#include "storage/partition/replica_manager.h"

namespace sluice::coordinator {

protocol::Status TransactionStateTopicStore::append(std::int32_t partition, const std::vector<TxnRecord>& records) {
  if (records.empty()) return {};
  protocol::RecordBatchBuilder builder(protocol::BatchOptions{});
  const std::int64_t now = clock_.now_ms();
  for (const TxnRecord& r : records) {
    protocol::NullableBytes value;
    if (r.value) value = protocol::Bytes(*r.value);
    builder.append(now, protocol::Bytes(r.key), value);
  }
  auto batch = builder.build();
  if (!batch.ok()) return batch.status();
  const storage::TopicPartition tp{std::string(kTransactionStateTopic), partition};
  std::vector<storage::RecordError> record_errors;
  auto info = replicas_.append(tp, *batch, storage::AppendOrigin::kCoordinator, record_errors);
  if (!info.ok()) return info.status();
  // The coordinator's own thread may wait for the disk (not a network thread).
  if (auto p = replicas_.get_partition(tp); p && p->log()->unflushed_messages() >= p->log()->config()->flush_messages) {
    if (protocol::Status s = p->log()->flush(p->log()->log_end_offset()); !s.ok()) {
      return {protocol::ErrorCode::KAFKA_STORAGE_ERROR, s.detail};
    }
  }
  return {};
}

}  // namespace sluice::coordinator
