// Where the group coordinator writes: a partition of __consumer_offsets.
// An append is one batch (atomic); when it returns OK the records are in the
// log, which is when Kafka acknowledges a commit or a rebalance.
#pragma once

#include <cstdint>
#include <vector>

#include "coordinator/group/group_records.h"
#include "protocol/result.h"

namespace sluice::coordinator {

class GroupStore {
 public:
  virtual ~GroupStore() = default;
  virtual protocol::Status append(std::int32_t partition, const std::vector<GroupRecord>& records) = 0;
};

}  // namespace sluice::coordinator
