#include "storage/cleaner/cleaned_txn_tracker.h"

#include "protocol/records/control_record.h"

namespace sluice::storage {

void CleanedTxnTracker::add_aborted(const std::vector<AbortedTxn>& txns) {
  for (const AbortedTxn& txn : txns) {
    const auto key = std::make_pair(txn.first_offset, txn.producer_id);
    // The same transaction is found again by the search of each segment it
    // spans; once reached it must not be reached twice.
    if (known_.insert(key).second) pending_.emplace(key, txn);
  }
}

void CleanedTxnTracker::consume_aborted_up_to(std::int64_t offset) {
  while (!pending_.empty() && pending_.begin()->first.first <= offset) {
    const AbortedTxn txn = pending_.begin()->second;
    pending_.erase(pending_.begin());
    ongoing_aborted_.try_emplace(txn.producer_id, OngoingAborted{txn, false});
  }
}

bool CleanedTxnTracker::on_batch_read(const protocol::RecordBatchHeader& batch) {
  consume_aborted_up_to(batch.last_offset());
  if (!batch.is_transactional()) return false;
  if (auto it = ongoing_aborted_.find(batch.producer_id); it != ongoing_aborted_.end()) {
    it->second.batches_seen = true;
    return true;
  }
  // Below the last stable offset every transaction is decided: not aborted
  // means committed.
  ongoing_committed_.insert(batch.producer_id);
  return false;
}

protocol::Result<bool> CleanedTxnTracker::on_control_batch_read(const protocol::RecordBatchView& batch,
                                                                std::size_t max_decompressed_bytes) {
  const protocol::RecordBatchHeader& h = batch.header();
  consume_aborted_up_to(h.last_offset());
  std::vector<protocol::Record> records;
  std::vector<std::uint8_t> scratch;
  if (protocol::Status s = batch.records(records, scratch, max_decompressed_bytes); !s.ok()) return s;
  // An empty control batch was already cleaned: safe to drop.
  if (records.empty()) return true;
  const std::optional<protocol::ControlType> type = protocol::parse_control_type(records.front().key);
  if (!type) return false;  // an unknown control record is kept
  if (*type == protocol::ControlType::kAbort) {
    auto it = ongoing_aborted_.find(h.producer_id);
    if (it == ongoing_aborted_.end()) return true;
    const OngoingAborted ended = it->second;
    ongoing_aborted_.erase(it);
    if (!ended.batches_seen) return true;
    // Kept until every batch of its transaction is gone, and indexed so
    // read_committed consumers still skip them.
    if (cleaned_index_ != nullptr) {
      if (protocol::Status s = cleaned_index_->append(ended.txn); !s.ok()) return s;
    }
    return false;
  }
  // COMMIT: kept while its transaction's batches are still being read.
  return ongoing_committed_.erase(h.producer_id) == 0;
}

}  // namespace sluice::storage
