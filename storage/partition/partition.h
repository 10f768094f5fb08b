// Kafka's Partition: one partition as this broker holds it -- its log, the
// leader epoch it was given by the controller, and (with replication) its
// replicas and ISR. Requests name the leader epoch they expect (KIP-320);
// this is where a stale or future epoch is answered with
// FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "protocol/result.h"
#include "protocol/uuid.h"
#include "storage/epoch/leader_epoch_cache.h"
#include "storage/log/log.h"
#include "storage/topic_partition.h"

namespace sluice::storage {

// -1 in requests: the client did not say which epoch it expects.
inline constexpr std::int32_t kNoLeaderEpochCheck = -1;

struct OffsetForTimestamp {
  std::int64_t timestamp = -1;
  std::int64_t offset = -1;
  std::int32_t leader_epoch = -1;
};

class Partition {
 public:
  Partition(TopicPartition tp, protocol::Uuid topic_id, std::shared_ptr<Log> log, std::int32_t leader_epoch);

  const TopicPartition& topic_partition() const { return tp_; }
  const protocol::Uuid& topic_id() const { return topic_id_; }
  std::int32_t leader_epoch() const { return leader_epoch_.load(std::memory_order_acquire); }
  const std::shared_ptr<Log>& log() const { return log_; }

  // KIP-320: FENCED_LEADER_EPOCH when the request's epoch is older than
  // ours, UNKNOWN_LEADER_EPOCH when newer; -1 skips the check.
  protocol::Status check_leader_epoch(std::int32_t requested) const;

  // Appends as leader and, with no followers to wait for, moves the high
  // watermark to the new log end.
  protocol::Result<LogAppendInfo> append_records_to_leader(std::span<std::uint8_t> records, AppendOrigin origin,
                                                           std::vector<RecordError>& record_errors);

  protocol::Result<LogReadResult> read(std::int64_t offset, std::uint64_t max_bytes, FetchIsolation isolation,
                                       bool min_one_message, std::int32_t current_leader_epoch) const;

  // ListOffsets: the earliest/latest special timestamps are resolved against
  // the fetchable end for the isolation (high watermark or last stable offset).
  protocol::Result<std::optional<OffsetForTimestamp>> fetch_offset_for_timestamp(
      std::int64_t timestamp, FetchIsolation isolation, std::int32_t current_leader_epoch) const;

  // OffsetForLeaderEpoch: where `leader_epoch` ends in this log.
  protocol::Result<EpochEndOffset> last_offset_for_leader_epoch(std::int32_t current_leader_epoch,
                                                                std::int32_t leader_epoch) const;

  // DeleteRecords: returns the new log start offset. -1 means the high watermark.
  protocol::Result<std::int64_t> delete_records_before(std::int64_t offset);

  // The controller made this broker the leader in `epoch`: record where the
  // epoch starts (fsyncs the epoch checkpoint: call off network threads).
  protocol::Status make_leader(std::int32_t epoch);

 private:
  const TopicPartition tp_;
  const protocol::Uuid topic_id_;
  const std::shared_ptr<Log> log_;
  std::atomic<std::int32_t> leader_epoch_;
};

}  // namespace sluice::storage
