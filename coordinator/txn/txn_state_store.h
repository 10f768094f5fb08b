// Where the transaction coordinator writes: a partition of
// __transaction_state. An append is one batch (atomic) and synchronous; when
// it returns OK the records are in the log, which is when Kafka answers the
// request that changed the state.
#pragma once

#include <cstdint>
#include <vector>

#include "coordinator/txn/txn_records.h"
#include "protocol/result.h"

namespace sluice::coordinator {

inline constexpr std::string_view kTransactionStateTopic = "__transaction_state";

class TxnStateStore {
 public:
  virtual ~TxnStateStore() = default;
  virtual protocol::Status append(std::int32_t partition, const std::vector<TxnRecord>& records) = 0;
};

}  // namespace sluice::coordinator
