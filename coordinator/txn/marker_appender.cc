#include "coordinator/txn/marker_appender.h"

#include <atomic>
#include <memory>
#include <utility>

#include "coordinator/group/group_coordinator.h"
#include "protocol/records/control_record.h"
#include "storage/clock.h"
#include "storage/partition/replica_manager.h"

namespace sluice::coordinator {

using protocol::ErrorCode;

ErrorCode MarkerAppender::append_marker(const TxnMarkerRequest& request, const storage::TopicPartition& tp) {
  auto partition = replicas_.partition_or_error(tp);
  if (!partition) {
    return exists_(tp) ? ErrorCode::NOT_LEADER_OR_FOLLOWER : ErrorCode::UNKNOWN_TOPIC_OR_PARTITION;
  }
  protocol::MarkerBatchOptions options;
  options.producer_id = request.producer_id;
  options.producer_epoch = request.producer_epoch;
  options.timestamp = clock_.now_ms();
  auto batch = protocol::build_marker_batch(
      {request.commit ? protocol::ControlType::kCommit : protocol::ControlType::kAbort, request.coordinator_epoch},
      options);
  if (!batch) return batch.status().code;
  std::vector<storage::RecordError> record_errors;
  auto appended = replicas_.append(tp, *batch, storage::AppendOrigin::kCoordinator, record_errors);
  if (!appended) return appended.status().code;
  // A marker decides what read_committed consumers see: with flush.messages
  // reached it is on disk before the coordinator moves on (this runs on the
  // coordinator's thread, never a network thread).
  const auto& log = (*partition)->log();
  if (log->unflushed_messages() >= log->config()->flush_messages) {
    if (auto flushed = log->flush(); !flushed.ok()) return ErrorCode::KAFKA_STORAGE_ERROR;
  }
  return ErrorCode::NONE;
}

void MarkerAppender::write_markers(TxnMarkerRequest request, std::function<void(std::vector<MarkerResult>)> done) {
  auto results = std::make_shared<std::vector<MarkerResult>>();
  std::vector<std::int32_t> offsets_partitions;
  for (const storage::TopicPartition& tp : request.partitions) {
    const ErrorCode error = append_marker(request, tp);
    results->push_back({tp, error});
    if (error == ErrorCode::NONE && tp.topic == kConsumerOffsetsTopic) offsets_partitions.push_back(tp.partition);
  }
  if (offsets_partitions.empty()) {
    done(std::move(*results));
    return;
  }
  // Kafka's onTransactionCompleted: the groups learn the outcome after the
  // marker is in their partition's log.
  auto pending = std::make_shared<std::atomic<std::size_t>>(offsets_partitions.size());
  auto finish = std::make_shared<std::function<void(std::vector<MarkerResult>)>>(std::move(done));
  for (std::int32_t partition : offsets_partitions) {
    groups_.complete_transaction(partition, request.producer_id, request.commit, [pending, results, finish] {
      if (pending->fetch_sub(1) == 1) (*finish)(std::move(*results));
    });
  }
}

}  // namespace sluice::coordinator
