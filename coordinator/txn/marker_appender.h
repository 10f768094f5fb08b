// Writes transaction markers into the partitions this broker leads (what
// Kafka's WriteTxnMarkers does on a partition leader): a COMMIT or ABORT
// control batch appended as the coordinator, and, in a __consumer_offsets
// partition, the group coordinator told to commit or drop the producer's
// pending offsets once the marker is in the log. The transaction
// coordinator uses it for markers to local partitions; the WriteTxnMarkers
// handler for markers sent by another broker's coordinator.
#pragma once

#include <functional>

#include "coordinator/txn/txn_marker_writer.h"

namespace sluice::storage {
class Clock;
class ReplicaManager;
}  // namespace sluice::storage

namespace sluice::coordinator {

class GroupCoordinator;

class MarkerAppender final : public TxnMarkerWriter {
 public:
  // `exists` says whether a partition is in the metadata (a missing one was
  // deleted: UNKNOWN_TOPIC_OR_PARTITION; one hosted elsewhere:
  // NOT_LEADER_OR_FOLLOWER).
  MarkerAppender(storage::ReplicaManager& replicas, GroupCoordinator& groups, const storage::Clock& clock,
                 std::function<bool(const storage::TopicPartition&)> exists)
      : replicas_(replicas), groups_(groups), clock_(clock), exists_(std::move(exists)) {}

  // One result per partition; `done` runs once every __consumer_offsets
  // partition's groups have taken the outcome (on the group coordinator's
  // thread then, else on the caller's).
  void write_markers(TxnMarkerRequest request, std::function<void(std::vector<MarkerResult>)> done) override;

 private:
  protocol::ErrorCode append_marker(const TxnMarkerRequest& request, const storage::TopicPartition& tp);

  storage::ReplicaManager& replicas_;
  GroupCoordinator& groups_;
  const storage::Clock& clock_;
  std::function<bool(const storage::TopicPartition&)> exists_;
};

}  // namespace sluice::coordinator
