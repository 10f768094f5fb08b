// Kafka's ProducerStateManager for one partition: the state of every
// idempotent/transactional producer that appended to it (duplicate
// detection, sequence and epoch fencing), the transactions open on it (for
// the last stable offset), expiry of idle producers (producer.id.expiration.ms)
// and the "<offset>.snapshot" files recovery starts from.
//
// Not thread-safe: like Kafka's (@nonthreadsafe), it is driven under the
// log's append lock. Snapshot calls block on disk I/O.
//
// The log drives it per appended batch (Kafka's
// UnifiedLog.analyzeAndValidateProducerState):
//   1. client appends: find_duplicate(batch) -> answer with the cached offsets;
//   2. prepare_update(pid, origin) once per producer of the request, then
//      ProducerAppendInfo::append for each of its batches (after offsets are
//      assigned); any error rejects the request;
//   3. after the write: update(info) for each producer, complete_txn for each
//      CompletedTxn (once the aborted index has it), update_map_end_offset.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>

#include "protocol/records/record_batch.h"
#include "protocol/result.h"
#include "storage/log/log_validator.h"
#include "storage/producer/producer_append_info.h"
#include "storage/producer/producer_state_entry.h"

namespace sluice::storage {

// producer.id.expiration.ms's default (KIP-854): one day.
inline constexpr std::int64_t kDefaultProducerIdExpirationMs = 86'400'000;

class ProducerStateManager {
 public:
  // Indexes the snapshot files already in `log_dir` (loading state is
  // truncate_and_reload's job). Errors: KAFKA_STORAGE_ERROR.
  static protocol::Result<ProducerStateManager> open(std::filesystem::path log_dir,
                                                     std::int64_t producer_id_expiration_ms);

  // --- producers ---
  const ProducerStateEntry* last_entry(std::int64_t producer_id) const;
  const std::map<std::int64_t, ProducerStateEntry>& active_producers() const { return producers_; }
  std::size_t producer_id_count() const { return producers_.size(); }
  bool is_empty() const { return producers_.empty() && unreplicated_txns_.empty(); }

  // The cached batch a client's retry of `batch` duplicates (same producer,
  // epoch and sequence range among the last 5): the log acknowledges it with
  // the cached offsets and appends nothing.
  std::optional<BatchMetadata> find_duplicate(const protocol::RecordBatchHeader& batch) const;

  // The validator for one producer's batches in one request.
  ProducerAppendInfo prepare_update(std::int64_t producer_id, AppendOrigin origin) const;
  // Applies a validated append. INVALID_RECORD for a batch without producer id.
  protocol::Status update(const ProducerAppendInfo& info);
  // The offset the state is current up to (exclusive): the next append's offset.
  void update_map_end_offset(std::int64_t offset) { map_end_offset_ = offset; }
  std::int64_t map_end_offset() const { return map_end_offset_; }
  // Installs a producer's state as is (snapshot loading, tests).
  void load_producer_entry(ProducerStateEntry entry);

  // Drops producers idle for producer.id.expiration.ms, except those with an
  // open transaction (its marker still has to be written).
  void remove_expired_producers(std::int64_t now_ms);

  // --- transactions ---
  // Open transactions by first offset.
  const std::map<std::int64_t, TxnMetadata>& ongoing_transactions() const { return ongoing_txns_; }
  // The first offset of the oldest open transaction.
  std::optional<std::int64_t> first_undecided_offset() const;
  // The lowest offset that is undecided or decided by a marker above the high
  // watermark: the last stable offset is this, or the high watermark.
  std::optional<std::int64_t> first_unstable_offset() const;
  // The last stable offset once `txn` completes, for its aborted-index entry.
  std::int64_t last_stable_offset(const CompletedTxn& txn) const;
  // Moves `txn` from open to completed-but-unreplicated. UNKNOWN_SERVER_ERROR
  // if it was never started (Kafka's IllegalArgumentException).
  protocol::Status complete_txn(const CompletedTxn& txn);
  // Forgets completed transactions whose marker is below the high watermark.
  void on_high_watermark_updated(std::int64_t high_watermark);

  // --- snapshots ---
  // Writes "<map end offset>.snapshot" if the state moved since the last
  // one (Kafka's takeSnapshot, on roll and shutdown). Without `sync` the file
  // is written and renamed into place but not fsynced (Kafka's roll, under
  // the log's lock): the caller flushes it later with
  // flush_producer_snapshot; a crash before that can leave it torn, and a
  // torn snapshot fails its CRC and is skipped at load.
  protocol::Status take_snapshot(bool sync = true);
  std::optional<std::int64_t> latest_snapshot_offset() const;
  std::optional<std::int64_t> oldest_snapshot_offset() const;
  // Deletes the snapshots below `offset` (retention).
  protocol::Status delete_snapshots_before(std::int64_t offset);
  // Truncation and recovery (Kafka's truncateAndReload): deletes snapshots
  // above `log_end_offset` or at/below `log_start_offset`; if the state is not
  // current to `log_end_offset`, clears it and reloads the newest snapshot
  // (skipping and deleting corrupt ones), leaving map_end_offset() at the
  // snapshot's offset (or `log_start_offset`) for the caller to replay the
  // log from with AppendOrigin::kReplication.
  protocol::Status truncate_and_reload(std::int64_t log_start_offset, std::int64_t log_end_offset, std::int64_t now_ms);
  // Clears all state and snapshots; the state restarts at `offset`.
  protocol::Status truncate_fully_and_start_at(std::int64_t offset);
  // A DeleteRecords/retention move of the log start offset.
  void on_log_start_offset_incremented(std::int64_t log_start_offset);

 private:
  ProducerStateManager(std::filesystem::path log_dir, std::int64_t producer_id_expiration_ms,
                       std::map<std::int64_t, std::filesystem::path> snapshots);
  bool is_expired(std::int64_t now_ms, const ProducerStateEntry& entry) const;
  protocol::Status load_from_snapshot(std::int64_t log_start_offset, std::int64_t now_ms);
  protocol::Status remove_and_delete_snapshot(std::int64_t offset);
  void remove_unreplicated_transactions(std::int64_t offset);

  std::filesystem::path log_dir_;
  std::int64_t producer_id_expiration_ms_;
  std::map<std::int64_t, ProducerStateEntry> producers_;
  // Open transactions, and completed ones whose marker may not be replicated
  // yet, by first offset.
  std::map<std::int64_t, TxnMetadata> ongoing_txns_;
  std::map<std::int64_t, TxnMetadata> unreplicated_txns_;
  std::map<std::int64_t, std::filesystem::path> snapshots_;
  std::int64_t map_end_offset_ = 0;
  std::int64_t last_snapshot_offset_ = 0;
};

}  // namespace sluice::storage
