#include "coordinator/controller/metadata_log.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "coordinator/controller/metadata_record_serde.h"
#include "protocol/records/record_batch.h"
#include "protocol/records/record_batch_builder.h"
#include "storage/log/log_scanner.h"

namespace sluice::coordinator {

using protocol::ErrorCode;
using protocol::Result;
using protocol::Status;

namespace {

constexpr std::uint64_t kReadChunkBytes = 1 << 20;
constexpr std::size_t kMaxDecompressedBytes = 64 << 20;

// The metadata records of one batch.
Status decode_batch(const protocol::RecordBatchView& batch, std::vector<VersionedRecord>& out) {
  std::vector<protocol::Record> records;
  std::vector<std::uint8_t> scratch;
  if (Status s = batch.records(records, scratch, kMaxDecompressedBytes); !s.ok()) return s;
  out.clear();
  out.reserve(records.size());
  for (const protocol::Record& r : records) {
    const std::int64_t offset = protocol::record_offset(batch.header(), r);
    if (!r.value) {
      return Status{ErrorCode::CORRUPT_MESSAGE,
                    "Metadata record at offset " + std::to_string(offset) + " has no value"};
    }
    auto decoded = decode_metadata_record(*r.value);
    if (!decoded.ok()) {
      Status s = decoded.status();
      s.detail = "Metadata record at offset " + std::to_string(offset) + ": " + s.detail;
      return s;
    }
    out.push_back(std::move(decoded).value());
  }
  return {};
}

}  // namespace

storage::LogConfig metadata_log_config() {
  storage::LogConfig config;
  config.max_message_bytes = kMaxMetadataBatchBytes;
  config.retention_ms = -1;
  config.retention_bytes = -1;
  config.cleanup_policy = storage::CleanupPolicy::kDelete;
  return config;
}

MetadataLog::MetadataLog(std::shared_ptr<storage::Log> log, const storage::Clock& clock)
    : log_(std::move(log)), clock_(clock), loader_(std::make_shared<const MetadataImage>()) {}

Result<std::unique_ptr<MetadataLog>> MetadataLog::open(std::shared_ptr<storage::Log> log, const storage::Clock& clock) {
  std::unique_ptr<MetadataLog> metadata_log(new MetadataLog(std::move(log), clock));
  if (Status s = metadata_log->replay(); !s.ok()) return s;
  return metadata_log;
}

Status MetadataLog::replay() {
  if (log_->log_start_offset() > 0) {
    return Status{ErrorCode::CORRUPT_MESSAGE, "The metadata log starts at offset " +
                                                  std::to_string(log_->log_start_offset()) +
                                                  ", but there is no snapshot of what came before"};
  }
  std::vector<VersionedRecord> records;
  Status s = storage::scan_log(*log_, 0, kReadChunkBytes, [&](const protocol::RecordBatchView& batch) -> Status {
    const protocol::RecordBatchHeader& header = batch.header();
    last_epoch_ = std::max(last_epoch_, header.partition_leader_epoch);
    // Raft's own control records (leader changes, voters) are not metadata.
    if (header.is_control()) return {};
    if (Status d = decode_batch(batch, records); !d.ok()) return d;
    return loader_.replay_batch(records, header.base_offset, header.partition_leader_epoch, false);
  });
  if (!s.ok()) return s;
  loader_.publish();
  return {};
}

Result<std::shared_ptr<const MetadataImage>> MetadataLog::append(std::span<const VersionedRecord> records,
                                                                 std::int32_t epoch) {
  if (failed_) return Status{ErrorCode::KAFKA_STORAGE_ERROR, "The metadata log failed an earlier write"};
  if (records.empty()) return loader_.image();
  const std::int64_t base_offset = log_->log_end_offset();

  // Apply first: records that do not apply are never written.
  MetadataLoader next(loader_.image());
  if (auto open = loader_.open_transaction()) {
    if (api_key_of(records.front().record) != protocol::AbortTransactionRecord::kApiKey) {
      return Status{ErrorCode::UNKNOWN_SERVER_ERROR, "The metadata log ends inside a metadata transaction"};
    }
    next = MetadataLoader(loader_.image(), *open);
  }
  if (Status s = next.replay_batch(records, base_offset, epoch); !s.ok()) return s;
  if (next.open_transaction()) {
    return Status{ErrorCode::CORRUPT_MESSAGE, "A metadata batch must not leave a transaction open"};
  }

  std::vector<std::vector<std::uint8_t>> values(records.size());
  protocol::BatchOptions options;
  options.partition_leader_epoch = epoch;
  protocol::RecordBatchBuilder builder(options);
  const std::int64_t now = clock_.now_ms();
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (Status s = encode_metadata_record(records[i], values[i]); !s.ok()) return s;
    builder.append(now, std::nullopt, protocol::Bytes(values[i]));
  }
  auto batch = builder.build();
  if (!batch.ok()) return batch.status();

  std::vector<storage::RecordError> record_errors;
  auto info = log_->append_as_leader(*batch, epoch, storage::AppendOrigin::kCoordinator, record_errors);
  if (!info.ok()) return info.status();
  Status durable = log_->flush(log_->log_end_offset());
  if (!durable.ok()) {
    // Not durable, so not committed: take it back so the log matches the image.
    if (!log_->truncate_to(base_offset).ok()) failed_ = true;
    return Status{ErrorCode::KAFKA_STORAGE_ERROR, "Flushing the metadata log failed: " + durable.detail};
  }
  log_->update_high_watermark(log_->log_end_offset());
  last_epoch_ = std::max(last_epoch_, epoch);
  loader_ = std::move(next);
  return loader_.image();
}

}  // namespace sluice::coordinator
