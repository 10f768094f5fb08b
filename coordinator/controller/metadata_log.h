// The metadata log __cluster_metadata-0 as the single-node KRaft controller
// keeps it: at start-up every batch is replayed into the image; afterwards
// each controller operation appends its records as ONE RecordBatch v2 (an
// atomic batch) whose partition leader epoch is the controller epoch, and
// fsyncs it before the image moves on, as a Raft commit is durable before the
// operation is acknowledged.
//
// Not thread-safe: the controller calls it from its own thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "coordinator/controller/metadata_image.h"
#include "coordinator/controller/metadata_loader.h"
#include "coordinator/controller/metadata_record.h"
#include "protocol/result.h"
#include "storage/clock.h"
#include "storage/log/log.h"

namespace sluice::coordinator {

// KafkaRaftClient.MAX_BATCH_SIZE_BYTES: the largest batch the metadata log takes.
inline constexpr std::int64_t kMaxMetadataBatchBytes = 8 << 20;

// The config to open __cluster_metadata-0 with: batches up to 8 MiB, and no
// retention (Kafka deletes metadata only behind a snapshot, which Sluice
// does not write yet).
storage::LogConfig metadata_log_config();

class MetadataLog {
 public:
  // Replays `log` from its start. CORRUPT_MESSAGE or UNSUPPORTED_VERSION for
  // a record Sluice cannot read or apply, and for a log whose start was
  // deleted (without snapshots, the image would be incomplete): the broker
  // must not start on metadata it does not fully understand.
  static protocol::Result<std::unique_ptr<MetadataLog>> open(std::shared_ptr<storage::Log> log,
                                                             const storage::Clock& clock);

  // The image of every committed batch (less a transaction left open).
  const std::shared_ptr<const MetadataImage>& image() const { return loader_.image(); }
  // The highest leader epoch of any batch in the log; 0 for an empty log.
  std::int32_t last_epoch() const { return last_epoch_; }
  // Where a metadata transaction left open at the end of the log began.
  std::optional<std::int64_t> open_transaction() const { return loader_.open_transaction(); }
  // The offset the next record gets.
  std::int64_t end_offset() const { return log_->log_end_offset(); }
  bool empty() const { return end_offset() == 0; }

  // Writes `records` as one batch at leader epoch `epoch`, waits for the
  // disk, and returns the image with them applied. Nothing is written when
  // they do not apply to the current image or leave a transaction open
  // (CORRUPT_MESSAGE, a controller bug); while the log ends inside a
  // transaction, only a batch starting with its AbortTransactionRecord. A failed write or fsync is rolled
  // back from the log (KAFKA_STORAGE_ERROR); if even that fails, every later
  // append fails too.
  protocol::Result<std::shared_ptr<const MetadataImage>> append(std::span<const VersionedRecord> records,
                                                                std::int32_t epoch);

  storage::Log& log() { return *log_; }

 private:
  MetadataLog(std::shared_ptr<storage::Log> log, const storage::Clock& clock);
  protocol::Status replay();

  std::shared_ptr<storage::Log> log_;
  const storage::Clock& clock_;
  MetadataLoader loader_;
  std::int32_t last_epoch_ = 0;
  bool failed_ = false;
};

}  // namespace sluice::coordinator
