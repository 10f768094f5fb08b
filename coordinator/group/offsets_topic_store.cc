#include "coordinator/group/offsets_topic_store.h"

#include "coordinator/group/group_coordinator.h"
#include "protocol/records/record_batch_builder.h"

namespace sluice::coordinator {

protocol::Status OffsetsTopicStore::append(std::int32_t partition, const std::vector<GroupRecord>& records) {
  if (records.empty()) return {};
  protocol::RecordBatchBuilder builder(protocol::BatchOptions{});
  const std::int64_t now = clock_.now_ms();
  for (const GroupRecord& r : records) {
    protocol::NullableBytes value;
    if (r.value) value = protocol::Bytes(*r.value);
    builder.append(now, protocol::Bytes(r.key), value);
  }
  auto batch = builder.build();
  if (!batch.ok()) return batch.status();
  std::vector<storage::RecordError> record_errors;
  const storage::TopicPartition tp{std::string(kConsumerOffsetsTopic), partition};
  auto info = replicas_.append(tp, *batch, storage::AppendOrigin::kCoordinator, record_errors);
  if (!info.ok()) return info.status();
  // flush.messages, as for any append (this is the coordinator's thread,
  // not a network thread, so it may wait for the disk).
  if (auto p = replicas_.get_partition(tp); p && p->log()->unflushed_messages() >= p->log()->config()->flush_messages) {
    if (protocol::Status s = p->log()->flush(p->log()->log_end_offset()); !s.ok()) {
      return {protocol::ErrorCode::KAFKA_STORAGE_ERROR, s.detail};
    }
  }
  return {};
}

}  // namespace sluice::coordinator
