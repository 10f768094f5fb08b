// GroupStore on the real __consumer_offsets partitions, through the replica
// manager like every other writer: one uncompressed batch per call,
// appended as leader (the page cache; flushing follows the topic's policy).
#pragma once

#include <optional>

#include "coordinator/group/group_store.h"
#include "storage/clock.h"
#include "storage/partition/replica_manager.h"

namespace sluice::coordinator {

class OffsetsTopicStore final : public GroupStore {
 public:
  OffsetsTopicStore(storage::ReplicaManager& replicas, const storage::Clock& clock)
      : replicas_(replicas), clock_(clock) {}

  protocol::Result<std::int64_t> append(std::int32_t partition, const std::vector<GroupRecord>& records) override;
  protocol::Result<std::int64_t> append_transactional(std::int32_t partition, std::int64_t producer_id,
                                                      std::int16_t producer_epoch,
                                                      const std::vector<GroupRecord>& records) override;

 private:
  protocol::Result<std::int64_t> write(std::int32_t partition, const std::vector<GroupRecord>& records,
                                       std::optional<BatchProducer> producer);

  storage::ReplicaManager& replicas_;
  const storage::Clock& clock_;
};

}  // namespace sluice::coordinator
