#include "coordinator/group/offsets_topic_store.h"

#include "coordinator/group/group_coordinator.h"

namespace sluice::coordinator {

protocol::Result<std::int64_t> OffsetsTopicStore::append(std::int32_t partition,
                                                         const std::vector<GroupRecord>& records) {
  return write(partition, records, std::nullopt);
}

protocol::Result<std::int64_t> OffsetsTopicStore::append_transactional(std::int32_t partition, std::int64_t producer_id,
                                                                       std::int16_t producer_epoch,
                                                                       const std::vector<GroupRecord>& records) {
  return write(partition, records, BatchProducer{producer_id, producer_epoch});
}

protocol::Result<std::int64_t> OffsetsTopicStore::write(std::int32_t partition, const std::vector<GroupRecord>& records,
                                                        std::optional<BatchProducer> producer) {
  if (records.empty()) return protocol::Status{protocol::ErrorCode::INVALID_RECORD, "nothing to append"};
  auto batch = build_group_batch(records, clock_.now_ms(), producer);
  if (!batch.ok()) return batch.status();
  std::vector<storage::RecordError> record_errors;
  const storage::TopicPartition tp{std::string(kConsumerOffsetsTopic), partition};
  // As the coordinator: the log applies the producer's epoch check to a
  // transactional batch but no sequence check (Kafka's AppendOrigin.Coordinator).
  auto info = replicas_.append(tp, *batch, storage::AppendOrigin::kCoordinator, record_errors);
  if (!info.ok()) return info.status();
  // flush.messages, as for any append (this is the coordinator's thread,
  // not a network thread, so it may wait for the disk).
  if (auto p = replicas_.get_partition(tp); p && p->log()->unflushed_messages() >= p->log()->config()->flush_messages) {
    if (protocol::Status s = p->log()->flush(p->log()->log_end_offset()); !s.ok()) {
      return protocol::Status{protocol::ErrorCode::KAFKA_STORAGE_ERROR, s.detail};
    }
  }
  return info->first_offset;
}

}  // namespace sluice::coordinator
