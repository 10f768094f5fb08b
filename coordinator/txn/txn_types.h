// What the transaction coordinator takes and answers, independent of any
// request version: the handlers translate between these and the wire
// messages (InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn, EndTxn,
// DescribeTransactions, ListTransactions).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "protocol/generated/error_code.h"
#include "storage/topic_partition.h"

namespace sluice::coordinator {

using protocol::ErrorCode;

struct InitProducerIdParams {
  std::optional<std::string> transactional_id;  // nullopt: an idempotent producer
  std::int32_t txn_timeout_ms = 0;
  // KIP-360 (InitProducerId v3+): the id and epoch the producer has, or -1.
  std::int64_t producer_id = -1;
  std::int16_t producer_epoch = -1;
};

struct InitProducerIdResult {
  ErrorCode error = ErrorCode::NONE;
  std::int64_t producer_id = -1;
  std::int16_t producer_epoch = -1;
};

struct AddPartitionsParams {
  std::string transactional_id;
  std::int64_t producer_id = -1;
  std::int16_t producer_epoch = -1;
  std::vector<storage::TopicPartition> partitions;
  // KIP-890 part 1 (AddPartitionsToTxn v4 from a broker): only check that
  // the partitions are in the ongoing transaction, write nothing.
  bool verify_only = false;
};

// The request's partitions in its order, each with its error. `top_level`
// is the error every partition shares (NONE when a verification answers
// per partition): AddPartitionsToTxn v0-3 and AddOffsetsToTxn answer it.
struct AddPartitionsResult {
  ErrorCode top_level = ErrorCode::NONE;
  std::vector<std::pair<storage::TopicPartition, ErrorCode>> partitions;
};

struct DescribedTxn {
  std::string transactional_id;
  ErrorCode error = ErrorCode::NONE;
  std::string state;  // Kafka's state name: "Empty", "Ongoing", ...
  std::int64_t producer_id = -1;
  std::int16_t producer_epoch = -1;
  std::int32_t timeout_ms = 0;
  std::int64_t start_timestamp = -1;                // -1: no transaction running
  std::vector<storage::TopicPartition> partitions;  // sorted by topic, then partition
};

struct ListedTxn {
  std::string transactional_id;
  std::int64_t producer_id = -1;
  std::string state;
};

struct ListTxnsResult {
  // COORDINATOR_LOAD_IN_PROGRESS while any partition loads (as Kafka),
  // COORDINATOR_NOT_AVAILABLE once shut down.
  ErrorCode error = ErrorCode::NONE;
  std::vector<std::string> unknown_state_filters;
  std::vector<ListedTxn> transactions;
};

}  // namespace sluice::coordinator
