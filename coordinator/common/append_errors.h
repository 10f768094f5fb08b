// What a coordinator answers when writing its state to its internal topic
// failed (Kafka's GroupMetadataManager.storeGroup and
// TransactionStateManager.appendTransactionToLog map the log's errors the
// same way): the client retries the first two, the rest are final.
#pragma once

#include "protocol/generated/error_code.h"

namespace sluice::coordinator {

constexpr protocol::ErrorCode coordinator_append_error(protocol::ErrorCode e) {
  using protocol::ErrorCode;
  switch (e) {
    case ErrorCode::UNKNOWN_TOPIC_OR_PARTITION:
    case ErrorCode::NOT_ENOUGH_REPLICAS:
    case ErrorCode::NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    case ErrorCode::REQUEST_TIMED_OUT:
      return ErrorCode::COORDINATOR_NOT_AVAILABLE;
    case ErrorCode::NOT_LEADER_OR_FOLLOWER:
    case ErrorCode::KAFKA_STORAGE_ERROR:
      return ErrorCode::NOT_COORDINATOR;
    case ErrorCode::MESSAGE_TOO_LARGE:
    case ErrorCode::RECORD_LIST_TOO_LARGE:
    case ErrorCode::INVALID_FETCH_SIZE:
      return ErrorCode::UNKNOWN_SERVER_ERROR;
    default:
      return e;
  }
}

}  // namespace sluice::coordinator
