// Kafka's CleanedTransactionMetadata: while the cleaner reads a range of the
// log in offset order, which transactional batches belong to aborted
// transactions (their records go), and whether a COMMIT/ABORT marker may go
// (no batch of its transaction is left in what is read). An ABORT marker that
// is kept because its transaction's batches were seen gets its entry in the
// cleaned segment's transaction index.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "protocol/records/record_batch.h"
#include "protocol/result.h"
#include "storage/index/transaction_index.h"

namespace sluice::storage {

class CleanedTxnTracker {
 public:
  // `cleaned_index`, when set, receives the kept aborted transactions.
  explicit CleanedTxnTracker(TransactionIndex* cleaned_index = nullptr) : cleaned_index_(cleaned_index) {}

  // The aborted transactions overlapping the range about to be read (from
  // Log::collect_aborted_transactions); one already known is ignored.
  void add_aborted(const std::vector<AbortedTxn>& txns);

  // A data batch: whether it belongs to an aborted transaction.
  bool on_batch_read(const protocol::RecordBatchHeader& batch);
  // A control batch: whether it may be discarded -- an empty one, or a marker
  // none of whose transaction's batches were read. Errors: CORRUPT_MESSAGE
  // for undecodable records; KAFKA_STORAGE_ERROR from the index.
  protocol::Result<bool> on_control_batch_read(const protocol::RecordBatchView& batch,
                                               std::size_t max_decompressed_bytes);

 private:
  struct OngoingAborted {
    AbortedTxn txn;
    bool batches_seen = false;
  };

  void consume_aborted_up_to(std::int64_t offset);

  TransactionIndex* cleaned_index_;
  // Not yet reached, by first offset.
  std::map<std::pair<std::int64_t, std::int64_t>, AbortedTxn> pending_;  // (first offset, producer id)
  std::set<std::pair<std::int64_t, std::int64_t>> known_;
  std::map<std::int64_t, OngoingAborted> ongoing_aborted_;  // by producer id
  std::set<std::int64_t> ongoing_committed_;                // producer ids
};

}  // namespace sluice::storage
