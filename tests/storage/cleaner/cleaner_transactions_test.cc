// Compaction and transactions: the cleaner never goes past the last stable
// offset (Kafka's firstUncleanableOffset), keeps transactional batches and
// markers, and the aborted-transaction index survives the segment swap.
#include <gtest/gtest.h>

#include <limits>

#include "protocol/records/control_record.h"
#include "storage/cleaner/cleaner.h"
#include "storage/cleaner/log_cleaner.h"
#include "tests/storage/cleaner/cleaner_test_util.h"

namespace sluice::storage {
namespace {

class CleanerTransactionsTest : public testutil::LogFixture {
 protected:
  LogCleaner make_cleaner(const std::shared_ptr<Log>& log) {
    return LogCleaner(
        LogCleanerConfig{}, [log] { return std::vector<std::shared_ptr<Log>>{log}; }, clock_);
  }

  void end_txn(Log& log, std::int64_t pid, protocol::ControlType type, std::int16_t epoch = 0) {
    auto marker = protocol::build_marker_batch(
        {type, 0}, {.producer_id = pid, .producer_epoch = epoch, .timestamp = clock_.now_ms()});
    ASSERT_TRUE(marker.ok());
    std::vector<RecordError> errors;
    ASSERT_TRUE(log.append_as_leader(*marker, 0, AppendOrigin::kCoordinator, errors).ok());
    log.update_high_watermark(log.log_end_offset());
  }

  static std::int64_t segment_base_holding(const Log& log, std::int64_t offset) {
    std::int64_t base = 0;
    for (const auto& s : log.segments()) {
      if (s->base_offset() <= offset) base = s->base_offset();
    }
    return base;
  }
};

TEST_F(CleanerTransactionsTest, AnOpenTransactionBoundsTheRoundUntilItIsDecided) {
  auto log = open_log(testutil::compact_config());
  append_cycle(*log, 150, 10);
  const std::int64_t txn_start = append(
      *log, {{"solo", "txn"}}, {.producer_id = 9, .producer_epoch = 0, .base_sequence = 0, .transactional = true});
  append_cycle(*log, 150, 10);
  ASSERT_TRUE(log->roll().ok());
  ASSERT_EQ(log->last_stable_offset(), txn_start);
  const std::int64_t bound = segment_base_holding(*log, txn_start);
  ASSERT_GT(bound, 0);
  const auto before = read_all(*log);

  LogCleaner cleaner = make_cleaner(log);
  auto cleaned = cleaner.clean_once();
  ASSERT_TRUE(cleaned.ok() && cleaned->has_value());
  EXPECT_EQ((*cleaned)->result.end_offset, bound);
  // Everything from the segment holding the transaction on is untouched.
  const auto after = read_all(*log);
  std::vector<testutil::ReadRecord> tail_before, tail_after;
  for (const auto& r : before.records)
    if (r.offset >= bound) tail_before.push_back(r);
  for (const auto& r : after.records)
    if (r.offset >= bound) tail_after.push_back(r);
  EXPECT_EQ(tail_after, tail_before);
  EXPECT_LT(after.records.size(), before.records.size());

  // Committed: the LSO moves on and so can the cleaner; the transaction's
  // record (its key's latest) and so its marker stay.
  end_txn(*log, 9, protocol::ControlType::kCommit);
  append_cycle(*log, 10, 10);
  ASSERT_TRUE(log->roll().ok());
  EXPECT_EQ(log->last_stable_offset(), log->log_end_offset());
  auto again = cleaner.clean_once();
  ASSERT_TRUE(again.ok() && again->has_value());
  EXPECT_GT((*again)->result.end_offset, bound);
  const auto final_read = read_all(*log);
  bool txn_record = false, marker = false;
  for (const auto& r : final_read.records) txn_record |= r.offset == txn_start;
  for (const auto& b : final_read.batches) marker |= b.is_control();
  EXPECT_TRUE(txn_record);
  EXPECT_TRUE(marker);
}

TEST_F(CleanerTransactionsTest, TheAbortedTransactionIndexSurvivesCleaningAndReopening) {
  auto config = testutil::compact_config();
  auto log = open_log(config);
  append_cycle(*log, 50, 5);
  const std::int64_t txn_start = append(
      *log, {{"key1", "aborted"}}, {.producer_id = 9, .producer_epoch = 0, .base_sequence = 0, .transactional = true});
  end_txn(*log, 9, protocol::ControlType::kAbort);
  append_cycle(*log, 150, 5);
  ASSERT_TRUE(log->roll().ok());
  const std::vector<AbortedTxn> aborted = log->collect_aborted_transactions(0, log->log_end_offset());
  ASSERT_EQ(aborted.size(), 1u);
  EXPECT_EQ(aborted[0].first_offset, txn_start);

  LogCleaner cleaner = make_cleaner(log);
  auto cleaned = cleaner.clean_once();
  ASSERT_TRUE(cleaned.ok() && cleaned->has_value());
  EXPECT_GT((*cleaned)->result.end_offset, txn_start + 1);
  EXPECT_EQ(log->collect_aborted_transactions(0, log->log_end_offset()), aborted);
  auto read = log->read(txn_start, 1 << 20, FetchIsolation::kTxnCommitted, true);
  ASSERT_TRUE(read.ok());
  ASSERT_TRUE(read->aborted_transactions.has_value());
  EXPECT_EQ(*read->aborted_transactions, aborted);

  ASSERT_TRUE(log->close().ok());
  log.reset();
  log = open_log(config);
  EXPECT_EQ(log->collect_aborted_transactions(0, log->log_end_offset()), aborted);
}

TEST_F(CleanerTransactionsTest, AbortedRecordsGoAndTheirMarkerFollowsAfterDeleteRetention) {
  auto config = testutil::compact_config();
  auto log = open_log(config);
  append(*log, {{"k", "plain"}});  // 0
  append(*log, {{"k", "aborted"}, {"j", "aborted"}},
         {.producer_id = 9, .producer_epoch = 0, .base_sequence = 0, .transactional = true});  // 1-2
  end_txn(*log, 9, protocol::ControlType::kAbort);                                             // 3
  append(*log, {{"m", "committed"}},
         {.producer_id = 9, .producer_epoch = 0, .base_sequence = 2, .transactional = true});  // 4
  end_txn(*log, 9, protocol::ControlType::kCommit);                                            // 5
  append(*log, {{"z", "plain"}});                                                              // 6
  ASSERT_TRUE(log->roll().ok());
  ASSERT_EQ(log->segment_count(), 2u);
  auto offsets = [&] {
    std::vector<std::int64_t> out;
    for (const auto& r : read_all(*log).records) out.push_back(r.offset);
    return out;
  };
  Cleaner cleaner(CleanerOptions{}, clock_);
  constexpr std::int64_t kEverything = std::numeric_limits<std::int64_t>::max();

  // Round 1: the aborted records go and do not shadow the plain "k"; the
  // ABORT marker stays (its records were there) and stays indexed.
  auto first = cleaner.clean(*log, 0, kEverything);
  ASSERT_TRUE(first.ok() && first->has_value()) << first.status().detail;
  EXPECT_EQ(offsets(), (std::vector<std::int64_t>{0, 3, 4, 5, 6}));
  EXPECT_EQ(log->collect_aborted_transactions(0, log->log_end_offset()).size(), 1u);
  auto read = log->read(0, 1 << 20, FetchIsolation::kTxnCommitted, true);
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->aborted_transactions->size(), 1u);

  // Round 2: nothing of its transaction is left: the marker is stamped with
  // a delete horizon, and its index entry is dropped.
  auto second = cleaner.clean(*log, 0, kEverything);
  ASSERT_TRUE(second.ok() && second->has_value());
  EXPECT_EQ(offsets(), (std::vector<std::int64_t>{0, 3, 4, 5, 6}));
  const auto batches = read_all(*log).batches;
  ASSERT_TRUE(batches.at(1).is_control());
  EXPECT_TRUE(batches.at(1).has_delete_horizon());
  EXPECT_EQ(batches.at(1).base_timestamp, clock_.now_ms() + config->delete_retention_ms);
  EXPECT_EQ((*second)->next_delete_horizon_ms, clock_.now_ms() + config->delete_retention_ms);
  EXPECT_TRUE(log->collect_aborted_transactions(0, log->log_end_offset()).empty());
  // The COMMIT marker's transaction still has its record: no horizon.
  EXPECT_FALSE(batches.at(3).has_delete_horizon());

  // Round 3, past delete.retention.ms: the ABORT marker is gone.
  clock_.advance(config->delete_retention_ms + 1);
  auto third = cleaner.clean(*log, 0, kEverything);
  ASSERT_TRUE(third.ok() && third->has_value());
  EXPECT_EQ(offsets(), (std::vector<std::int64_t>{0, 4, 5, 6}));
  // The log still reopens and recovers to the same state.
  ASSERT_TRUE(log->close().ok());
  log.reset();
  LogOpenOptions unclean;
  unclean.had_clean_shutdown = false;
  auto reopened =
      Log::open(tmp_.path() / "compacted-0", TopicPartition{"compacted", 0}, config, unclean, clock_, scheduler_);
  ASSERT_TRUE(reopened.ok()) << reopened.status().detail;
  EXPECT_EQ((*reopened)->last_stable_offset(), (*reopened)->log_end_offset());
  EXPECT_FALSE((*reopened)->has_ongoing_transaction(9));
}

TEST_F(CleanerTransactionsTest, AnAbortedBatchHoldingTheProducersLastSequenceIsKeptEmpty) {
  auto log = open_log(testutil::compact_config());
  append(*log, {{"k", "plain"}});  // 0
  append(*log, {{"k", "aborted"}, {"j", "aborted"}},
         {.producer_id = 9, .producer_epoch = 2, .base_sequence = 0, .transactional = true});  // 1-2
  end_txn(*log, 9, protocol::ControlType::kAbort, 2);                                          // 3
  append(*log, {{"z", "plain"}});                                                              // 4
  ASSERT_TRUE(log->roll().ok());
  Cleaner cleaner(CleanerOptions{}, clock_);
  auto cleaned = cleaner.clean(*log, 0, std::numeric_limits<std::int64_t>::max());
  ASSERT_TRUE(cleaned.ok() && cleaned->has_value());
  const auto after = read_all(*log);
  std::vector<std::int64_t> offsets;
  for (const auto& r : after.records) offsets.push_back(r.offset);
  EXPECT_EQ(offsets, (std::vector<std::int64_t>{0, 3, 4}));
  // The producer's epoch and last sequence stay in the log (idempotence
  // after a restart), in an empty transactional batch.
  ASSERT_GE(after.batches.size(), 2u);
  const protocol::RecordBatchHeader& kept = after.batches[1];
  EXPECT_EQ(kept.records_count, 0);
  EXPECT_TRUE(kept.is_transactional());
  EXPECT_EQ(kept.producer_id, 9);
  EXPECT_EQ(kept.producer_epoch, 2);
  EXPECT_EQ(kept.base_offset, 1);
  EXPECT_EQ(kept.last_offset(), 2);
  EXPECT_EQ(kept.last_sequence(), 1);
  EXPECT_EQ(log->collect_aborted_transactions(0, log->log_end_offset()).size(), 1u);
}

}  // namespace
}  // namespace sluice::storage
