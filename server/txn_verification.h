// KIP-890 part 1: before a partition leader appends a transactional batch,
// it asks the transaction coordinator whether the partition was added to
// the producer's transaction (AddPartitionsToTxn with verify_only), so a
// late or hanging write cannot open a transaction that no marker will end.
#pragma once

#include <asio/awaitable.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "protocol/result.h"
#include "server/request_context.h"
#include "storage/topic_partition.h"

namespace sluice::server {

struct TxnWrite {
  storage::TopicPartition tp;
  std::int64_t producer_id = -1;
  std::int16_t producer_epoch = -1;
};

// The writes that may not be appended and why, in Kafka's produce errors:
// INVALID_TXN_STATE for a partition outside the transaction, the
// coordinator's fencing errors, and NOT_ENOUGH_REPLICAS (retriable for every
// client version) when the coordinator is busy, loading or elsewhere.
// Partitions where the producer already has an open transaction are not
// asked about, as Kafka.
asio::awaitable<std::map<storage::TopicPartition, protocol::Status>> verify_txn_writes(
    RequestContext& ctx, const std::string& transactional_id, const std::vector<TxnWrite>& writes);

}  // namespace sluice::server
