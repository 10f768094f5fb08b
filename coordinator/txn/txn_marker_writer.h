// Who writes transaction markers: the COMMIT or ABORT control batch that
// ends a transaction in each of its partitions (Kafka's
// TransactionMarkerChannelManager sending WriteTxnMarkers to the leaders).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "protocol/generated/error_code.h"
#include "storage/topic_partition.h"

namespace sluice::coordinator {

struct TxnMarkerRequest {
  std::int64_t producer_id = -1;
  std::int16_t producer_epoch = -1;
  // The __transaction_state partition's leader epoch: a leader fences
  // markers from a coordinator older than the last one it saw
  // (TRANSACTION_COORDINATOR_FENCED).
  std::int32_t coordinator_epoch = 0;
  bool commit = false;
  std::vector<storage::TopicPartition> partitions;
};

struct MarkerResult {
  storage::TopicPartition tp;
  protocol::ErrorCode error = protocol::ErrorCode::NONE;
};

class TxnMarkerWriter {
 public:
  virtual ~TxnMarkerWriter() = default;
  // Writes the markers; `done` runs once, possibly on another thread, with
  // one result per partition. The coordinator reads the errors as Kafka's
  // TransactionMarkerRequestCompletionHandler does:
  //  - NONE: written.
  //  - UNKNOWN_TOPIC_OR_PARTITION: the topic no longer exists (deleted):
  //    the partition is dropped from the transaction. A writer that merely
  //    cannot reach a partition that still exists answers
  //    NOT_LEADER_OR_FOLLOWER instead.
  //  - NOT_LEADER_OR_FOLLOWER, NOT_ENOUGH_REPLICAS(_AFTER_APPEND),
  //    REQUEST_TIMED_OUT, KAFKA_STORAGE_ERROR, COORDINATOR_LOAD_IN_PROGRESS...:
  //    retried after TxnConfig::marker_retry_backoff_ms.
  //  - INVALID_PRODUCER_EPOCH, TRANSACTION_COORDINATOR_FENCED: this
  //    coordinator is stale; it stops sending.
  //  - UNSUPPORTED_FOR_MESSAGE_FORMAT: no marker can be written there;
  //    dropped.
  // A partition missing from the results is retried.
  virtual void write_markers(TxnMarkerRequest request, std::function<void(std::vector<MarkerResult>)> done) = 0;
};

}  // namespace sluice::coordinator
