// GroupStore on the real __consumer_offsets partitions, through the replica
// manager like every other writer: one uncompressed batch per call,
// appended as leader (the page cache; flushing follows the topic's policy).
#pragma once

#include "coordinator/group/group_store.h"
#include "storage/clock.h"
#include "storage/partition/replica_manager.h"

namespace sluice::coordinator {

class OffsetsTopicStore final : public GroupStore {
 public:
  OffsetsTopicStore(storage::ReplicaManager& replicas, const storage::Clock& clock)
      : replicas_(replicas), clock_(clock) {}

  protocol::Status append(std::int32_t partition, const std::vector<GroupRecord>& records) override;

 private:
  storage::ReplicaManager& replicas_;
  const storage::Clock& clock_;
};

}  // namespace sluice::coordinator
