// Where the group coordinator writes: a partition of __consumer_offsets.
// An append is one batch (atomic); when it returns OK the records are in the
// log, which is when Kafka acknowledges a commit or a rebalance. The answer
// is the batch's base offset: Kafka orders offset commits of one partition
// by it (CommitRecordMetadataAndOffset.appendedBatchOffset).
#pragma once

#include <cstdint>
#include <vector>

#include "coordinator/group/group_records.h"
#include "protocol/result.h"

namespace sluice::coordinator {

class GroupStore {
 public:
  virtual ~GroupStore() = default;
  virtual protocol::Result<std::int64_t> append(std::int32_t partition, const std::vector<GroupRecord>& records) = 0;
  // A TxnOffsetCommit's batch: the producer's id and epoch, the transactional
  // attribute, no sequence (Kafka's storeOffsets with a producer id, appended
  // with AppendOrigin.Coordinator: the log checks the epoch, not sequences).
  // Its offsets count once the transaction's COMMIT marker follows.
  virtual protocol::Result<std::int64_t> append_transactional(std::int32_t partition, std::int64_t producer_id,
                                                              std::int16_t producer_epoch,
                                                              const std::vector<GroupRecord>& records) = 0;
};

}  // namespace sluice::coordinator
