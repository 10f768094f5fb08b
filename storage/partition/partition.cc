#include "storage/partition/partition.h"

#include <algorithm>

namespace sluice::storage {

using protocol::ErrorCode;
using protocol::Result;
using protocol::Status;

Partition::Partition(TopicPartition tp, protocol::Uuid topic_id, std::shared_ptr<Log> log, std::int32_t leader_epoch)
    : tp_(std::move(tp)), topic_id_(topic_id), log_(std::move(log)), leader_epoch_(leader_epoch) {}

Status Partition::check_leader_epoch(std::int32_t requested) const {
  if (requested == kNoLeaderEpochCheck) return {};
  const std::int32_t ours = leader_epoch();
  if (requested < ours)
    return {ErrorCode::FENCED_LEADER_EPOCH, "leader epoch " + std::to_string(requested) + " of " + tp_.to_string() +
                                                " is older than " + std::to_string(ours)};
  if (requested > ours)
    return {ErrorCode::UNKNOWN_LEADER_EPOCH, "leader epoch " + std::to_string(requested) + " of " + tp_.to_string() +
                                                 " is newer than " + std::to_string(ours)};
  return {};
}

Result<LogAppendInfo> Partition::append_records_to_leader(std::span<std::uint8_t> records, AppendOrigin origin,
                                                          std::vector<RecordError>& record_errors) {
  auto info = log_->append_as_leader(records, leader_epoch(), origin, record_errors);
  if (info) log_->update_high_watermark(log_->log_end_offset());
  return info;
}

Result<LogReadResult> Partition::read(std::int64_t offset, std::uint64_t max_bytes, FetchIsolation isolation,
                                      bool min_one_message, std::int32_t current_leader_epoch) const {
  if (Status s = check_leader_epoch(current_leader_epoch); !s.ok()) return s;
  return log_->read(offset, max_bytes, isolation, min_one_message);
}

Result<std::optional<OffsetForTimestamp>> Partition::fetch_offset_for_timestamp(
    std::int64_t timestamp, FetchIsolation isolation, std::int32_t current_leader_epoch) const {
  using Found = std::optional<OffsetForTimestamp>;
  if (Status s = check_leader_epoch(current_leader_epoch); !s.ok()) return s;
  if (timestamp == list_offsets::kLatest) {
    const std::int64_t end =
        isolation == FetchIsolation::kTxnCommitted ? log_->last_stable_offset() : log_->high_watermark();
    return Found(OffsetForTimestamp{-1, end, leader_epoch()});
  }
  auto found = log_->fetch_offset_by_timestamp(timestamp);
  if (!found) return found.status();
  if (!found->has_value()) return Found();
  const TimestampAndOffset& t = **found;
  // Only what the isolation lets consumers read is a valid answer (the
  // earliest offsets are answered as they are, as Kafka does).
  const std::int64_t fetchable =
      isolation == FetchIsolation::kTxnCommitted ? log_->last_stable_offset() : log_->high_watermark();
  const bool earliest = timestamp == list_offsets::kEarliest || timestamp == list_offsets::kEarliestLocal;
  if (!earliest && t.offset >= fetchable) return Found();
  return Found(OffsetForTimestamp{t.timestamp, t.offset, t.leader_epoch.value_or(-1)});
}

Result<EpochEndOffset> Partition::last_offset_for_leader_epoch(std::int32_t current_leader_epoch,
                                                               std::int32_t leader_epoch) const {
  if (Status s = check_leader_epoch(current_leader_epoch); !s.ok()) return s;
  return log_->leader_epoch_cache().end_offset_for(leader_epoch, log_->log_end_offset());
}

Result<std::int64_t> Partition::delete_records_before(std::int64_t offset) {
  const std::int64_t target = offset == -1 ? log_->high_watermark() : offset;
  if (target < 0) return {ErrorCode::OFFSET_OUT_OF_RANGE, "negative offset"};
  if (Status s = log_->delete_records_before(target); !s.ok()) return s;
  return log_->log_start_offset();
}

Status Partition::make_leader(std::int32_t epoch) {
  leader_epoch_.store(epoch, std::memory_order_release);
  log_->update_high_watermark(log_->log_end_offset());
  const auto latest = log_->leader_epoch_cache().latest_epoch();
  if (!latest || *latest < epoch) return log_->leader_epoch_cache().assign(epoch, log_->log_end_offset());
  return {};
}

}  // namespace sluice::storage
