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
  auto info = replicas_.append({std::string(kConsumerOffsetsTopic), partition}, *batch,
                               storage::AppendOrigin::kCoordinator, record_errors);
  if (!info.ok()) return info.status();
  return {};
}

}  // namespace sluice::coordinator
