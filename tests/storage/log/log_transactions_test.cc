// The log with Kafka's producer state (KIP-98): idempotent producers'
// duplicates and sequence/epoch checks, transactions holding the last stable
// offset, the aborted-transaction index, and producer state surviving
// restarts, crashes, truncation and retention.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <iterator>
#include <map>
#include <thread>

#include "protocol/records/control_record.h"
#include "storage/log/log.h"
#include "storage/log/log_manager.h"
#include "storage/producer/producer_snapshot_file.h"
#include "tests/storage/storage_test_util.h"

namespace sluice::storage {
namespace {

using protocol::ControlType;
using protocol::ErrorCode;
using testing::make_values_batch;
using testing::records_in;
using testing::TempDir;

std::vector<std::uint8_t> producer_batch(std::int64_t pid, std::int16_t epoch, std::int32_t seq, int count,
                                         std::int64_t timestamp, bool transactional = false) {
  protocol::BatchOptions o;
  o.producer_id = pid;
  o.producer_epoch = epoch;
  o.base_sequence = seq;
  o.transactional = transactional;
  return make_values_batch(count, "p" + std::to_string(pid) + "s" + std::to_string(seq), timestamp, o);
}

std::vector<std::uint8_t> marker_batch(std::int64_t pid, std::int16_t epoch, ControlType type, std::int64_t timestamp,
                                       std::int32_t coordinator_epoch = 0) {
  protocol::MarkerBatchOptions o;
  o.producer_id = pid;
  o.producer_epoch = epoch;
  o.timestamp = timestamp;
  auto built = protocol::build_marker_batch(protocol::EndTxnMarker{type, coordinator_epoch}, o);
  EXPECT_TRUE(built.ok());
  return std::move(built).value();
}

std::vector<std::uint8_t> concat(std::vector<std::uint8_t> a, const std::vector<std::uint8_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::vector<std::int64_t> offsets_of(const std::vector<testing::ReadRecord>& records) {
  std::vector<std::int64_t> out;
  for (const auto& r : records) out.push_back(r.offset);
  return out;
}

class LogTransactionsTest : public ::testing::Test {
 protected:
  std::shared_ptr<Log> open_log(LogOpenOptions options = {}) {
    auto log = Log::open(dir_.path() / "topic-0", TopicPartition{"topic", 0}, std::make_shared<LogConfig>(config_),
                         options, clock_, scheduler_);
    EXPECT_TRUE(log.ok()) << log.status().detail;
    return log.ok() ? *log : nullptr;
  }

  // Appends and, like a single-replica leader, moves the high watermark.
  protocol::Result<LogAppendInfo> append(Log& log, std::vector<std::uint8_t> batch,
                                         AppendOrigin origin = AppendOrigin::kClient) {
    std::vector<RecordError> errors;
    auto info = log.append_as_leader(batch, 0, origin, errors);
    if (info.ok()) log.update_high_watermark(log.log_end_offset());
    return info;
  }

  LogAppendInfo append_ok(Log& log, std::vector<std::uint8_t> batch, AppendOrigin origin = AppendOrigin::kClient) {
    auto info = append(log, std::move(batch), origin);
    EXPECT_TRUE(info.ok()) << info.status().detail;
    return info.ok() ? *info : LogAppendInfo{};
  }

  LogAppendInfo end_txn(Log& log, std::int64_t pid, ControlType type, std::int16_t epoch = 0) {
    return append_ok(log, marker_batch(pid, epoch, type, now()), AppendOrigin::kCoordinator);
  }

  std::int64_t now() const { return clock_.now_ms(); }
  std::filesystem::path log_dir() const { return dir_.path() / "topic-0"; }
  std::filesystem::path file(std::int64_t base, std::string_view ext) const {
    return log_dir() / (offset_file_name(base) + std::string(ext));
  }

  TempDir dir_;
  LogConfig config_;
  ManualClock clock_;
  Scheduler scheduler_{1};
};

// --- idempotence ---

TEST_F(LogTransactionsTest, DuplicateBatchIsAcknowledgedWithItsOriginalOffsetsAndAppendedOnce) {
  auto log = open_log();
  append_ok(*log, make_values_batch(2, "plain", now()));
  const LogAppendInfo first = append_ok(*log, producer_batch(1, 0, 0, 3, now()));
  EXPECT_EQ(first.first_offset, 2);
  EXPECT_EQ(first.last_offset, 4);
  EXPECT_FALSE(first.duplicate);
  append_ok(*log, make_values_batch(2, "more", now()));
  ASSERT_EQ(log->log_end_offset(), 7);

  // The producer did not hear back and sends the same batch again.
  const LogAppendInfo retry = append_ok(*log, producer_batch(1, 0, 0, 3, now()));
  EXPECT_TRUE(retry.duplicate);
  EXPECT_EQ(retry.first_offset, 2);
  EXPECT_EQ(retry.last_offset, 4);
  EXPECT_EQ(log->log_end_offset(), 7);
  auto read = log->read(0, 1 << 20, FetchIsolation::kHighWatermark, true);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(records_in(read->records).size(), 7u);
}

TEST_F(LogTransactionsTest, AnyOfTheLastFiveBatchesIsRecognisedButNotAnOlderOne) {
  auto log = open_log();
  for (int i = 0; i < 6; ++i) append_ok(*log, producer_batch(1, 0, 2 * i, 2, now()));
  ASSERT_EQ(log->log_end_offset(), 12);
  const LogAppendInfo second = append_ok(*log, producer_batch(1, 0, 2, 2, now()));
  EXPECT_TRUE(second.duplicate);
  EXPECT_EQ(second.first_offset, 2);
  EXPECT_EQ(second.last_offset, 3);
  // The first batch left the five-batch window: its retry is out of order.
  EXPECT_EQ(append(*log, producer_batch(1, 0, 0, 2, now())).code(), ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER);
  EXPECT_EQ(log->log_end_offset(), 12);
}

TEST_F(LogTransactionsTest, ASequenceGapIsRejectedAndNothingIsAppended) {
  auto log = open_log();
  append_ok(*log, producer_batch(1, 0, 0, 3, now()));
  EXPECT_EQ(append(*log, producer_batch(1, 0, 5, 1, now())).code(), ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER);
  EXPECT_EQ(log->log_end_offset(), 3);
  // The state did not move: the next in-order batch is accepted.
  EXPECT_EQ(append_ok(*log, producer_batch(1, 0, 3, 1, now())).first_offset, 3);
}

TEST_F(LogTransactionsTest, ARequestWithOneBadBatchIsRejectedWhole) {
  auto log = open_log();
  append_ok(*log, producer_batch(1, 0, 0, 2, now()));
  // Batch 1 continues producer 1, batch 2 skips a sequence.
  auto request = concat(producer_batch(1, 0, 2, 2, now()), producer_batch(1, 0, 7, 2, now()));
  EXPECT_EQ(append(*log, request).code(), ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER);
  EXPECT_EQ(log->log_end_offset(), 2);
  EXPECT_EQ(log->active_producers().at(0).last_sequence, 1);
  // Several batches of one producer in one request, in order, are fine.
  auto good = concat(producer_batch(1, 0, 2, 2, now()), producer_batch(1, 0, 4, 2, now()));
  EXPECT_EQ(append_ok(*log, good).last_offset, 5);
  EXPECT_EQ(log->active_producers().at(0).last_sequence, 5);
}

TEST_F(LogTransactionsTest, AnOlderEpochIsFenced) {
  auto log = open_log();
  append_ok(*log, producer_batch(1, 1, 0, 2, now()));
  EXPECT_EQ(append(*log, producer_batch(1, 0, 2, 1, now())).code(), ErrorCode::INVALID_PRODUCER_EPOCH);
  EXPECT_EQ(log->log_end_offset(), 2);
}

TEST_F(LogTransactionsTest, AnEpochBumpRestartsTheSequenceAtZero) {
  auto log = open_log();
  append_ok(*log, producer_batch(1, 0, 0, 5, now()));
  EXPECT_EQ(append(*log, producer_batch(1, 1, 5, 1, now())).code(), ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER);
  const LogAppendInfo bumped = append_ok(*log, producer_batch(1, 1, 0, 2, now()));
  EXPECT_FALSE(bumped.duplicate);
  EXPECT_EQ(bumped.first_offset, 5);
  EXPECT_EQ(log->active_producers().at(0).producer_epoch, 1);
}

// --- transactions and the last stable offset ---

TEST_F(LogTransactionsTest, AnOpenTransactionHoldsTheLastStableOffsetUntilItsCommitMarker) {
  auto log = open_log();
  append_ok(*log, make_values_batch(2, "before", now()));                      // 0-1
  append_ok(*log, producer_batch(5, 0, 0, 2, now(), /*transactional=*/true));  // 2-3
  append_ok(*log, make_values_batch(2, "after", now()));                       // 4-5
  EXPECT_EQ(log->high_watermark(), 6);
  EXPECT_EQ(log->last_stable_offset(), 2);
  EXPECT_EQ(log->first_unstable_offset(), 2);
  EXPECT_TRUE(log->has_ongoing_transaction(5));

  // read_committed stops at the LSO, however many bytes were asked for.
  auto committed = log->read(0, 1 << 20, FetchIsolation::kTxnCommitted, true);
  ASSERT_TRUE(committed.ok());
  EXPECT_EQ(offsets_of(records_in(committed->records)), (std::vector<std::int64_t>{0, 1}));
  EXPECT_EQ(committed->last_stable_offset, 2);
  EXPECT_EQ(committed->high_watermark, 6);
  ASSERT_TRUE(committed->aborted_transactions.has_value());
  EXPECT_TRUE(committed->aborted_transactions->empty());
  auto at_lso = log->read(2, 1 << 20, FetchIsolation::kTxnCommitted, true);
  ASSERT_TRUE(at_lso.ok());
  EXPECT_TRUE(at_lso->records.empty());
  // read_uncommitted sees everything below the high watermark, and no
  // aborted-transaction list at all.
  auto uncommitted = log->read(0, 1 << 20, FetchIsolation::kHighWatermark, true);
  ASSERT_TRUE(uncommitted.ok());
  EXPECT_EQ(records_in(uncommitted->records).size(), 6u);
  EXPECT_EQ(uncommitted->last_stable_offset, 2);
  EXPECT_FALSE(uncommitted->aborted_transactions.has_value());

  // The marker is written; until the high watermark passes it the
  // transaction is still unstable.
  std::vector<RecordError> errors;
  auto marker = marker_batch(5, 0, ControlType::kCommit, now());
  ASSERT_TRUE(log->append_as_leader(marker, 0, AppendOrigin::kCoordinator, errors).ok());
  EXPECT_FALSE(log->has_ongoing_transaction(5));
  EXPECT_EQ(log->last_stable_offset(), 2);
  log->update_high_watermark(log->log_end_offset());
  EXPECT_EQ(log->last_stable_offset(), 7);
  EXPECT_EQ(log->first_unstable_offset(), std::nullopt);
  committed = log->read(0, 1 << 20, FetchIsolation::kTxnCommitted, true);
  ASSERT_TRUE(committed.ok());
  EXPECT_EQ(offsets_of(records_in(committed->records)), (std::vector<std::int64_t>{0, 1, 2, 3, 4, 5, 6}));
  EXPECT_TRUE(committed->aborted_transactions->empty());
}

TEST_F(LogTransactionsTest, TheOldestOpenTransactionSetsTheLastStableOffset) {
  auto log = open_log();
  append_ok(*log, producer_batch(5, 0, 0, 2, now(), true));  // 0-1
  append_ok(*log, producer_batch(6, 0, 0, 2, now(), true));  // 2-3
  EXPECT_EQ(log->last_stable_offset(), 0);
  end_txn(*log, 5, ControlType::kCommit);  // 4
  EXPECT_EQ(log->last_stable_offset(), 2);
  end_txn(*log, 6, ControlType::kCommit);  // 5
  EXPECT_EQ(log->last_stable_offset(), 6);
}

TEST_F(LogTransactionsTest, NonTransactionalWritesInsideATransactionAreRefused) {
  auto log = open_log();
  append_ok(*log, producer_batch(5, 0, 0, 2, now(), true));
  EXPECT_EQ(append(*log, producer_batch(5, 0, 2, 1, now(), false)).code(), ErrorCode::INVALID_TXN_STATE);
  EXPECT_EQ(log->log_end_offset(), 2);
}

TEST_F(LogTransactionsTest, AMarkerFromAnOlderCoordinatorEpochIsFenced) {
  auto log = open_log();
  append_ok(*log, producer_batch(5, 0, 0, 1, now(), true));
  append_ok(*log, marker_batch(5, 0, ControlType::kCommit, now(), 3), AppendOrigin::kCoordinator);
  append_ok(*log, producer_batch(5, 0, 1, 1, now(), true));
  EXPECT_EQ(append(*log, marker_batch(5, 0, ControlType::kAbort, now(), 2), AppendOrigin::kCoordinator).code(),
            ErrorCode::TRANSACTION_COORDINATOR_FENCED);
  EXPECT_TRUE(log->has_ongoing_transaction(5));
  EXPECT_EQ(log->log_end_offset(), 3);
}

TEST_F(LogTransactionsTest, ClientsCannotWriteMarkers) {
  auto log = open_log();
  append_ok(*log, producer_batch(5, 0, 0, 1, now(), true));
  EXPECT_EQ(append(*log, marker_batch(5, 0, ControlType::kCommit, now())).code(), ErrorCode::INVALID_RECORD);
  EXPECT_TRUE(log->has_ongoing_transaction(5));
}

// --- the aborted-transaction index ---

TEST_F(LogTransactionsTest, AnAbortedTransactionIsIndexedAndListedToReadCommittedFetches) {
  auto log = open_log();
  append_ok(*log, producer_batch(5, 0, 0, 3, now(), true));  // 0-2
  append_ok(*log, producer_batch(6, 0, 0, 2, now(), true));  // 3-4
  append_ok(*log, make_values_batch(1, "plain", now()));     // 5
  end_txn(*log, 5, ControlType::kAbort);                     // 6
  end_txn(*log, 6, ControlType::kCommit);                    // 7
  EXPECT_EQ(log->last_stable_offset(), 8);

  // Kafka's .txnindex: one 34-byte entry, its LSO held at 3 by producer 6.
  EXPECT_EQ(std::filesystem::file_size(file(0, ".txnindex")), 34u);
  const AbortedTxn expected{5, 0, 6, 3};
  EXPECT_EQ(log->segments().back()->txn_index().all_aborted(), std::vector<AbortedTxn>{expected});
  EXPECT_EQ(log->collect_aborted_transactions(0, 8), std::vector<AbortedTxn>{expected});

  auto read = log->read(0, 1 << 20, FetchIsolation::kTxnCommitted, true);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(records_in(read->records).size(), 8u);
  ASSERT_TRUE(read->aborted_transactions.has_value());
  ASSERT_EQ(read->aborted_transactions->size(), 1u);
  EXPECT_EQ(read->aborted_transactions->at(0).producer_id, 5);
  EXPECT_EQ(read->aborted_transactions->at(0).first_offset, 0);
  // A fetch past the marker has nothing to skip.
  auto later = log->read(7, 1 << 20, FetchIsolation::kTxnCommitted, true);
  ASSERT_TRUE(later.ok());
  EXPECT_TRUE(later->aborted_transactions->empty());
  // read_uncommitted gets no list.
  EXPECT_FALSE(log->read(0, 1 << 20, FetchIsolation::kHighWatermark, true)->aborted_transactions.has_value());
}

TEST_F(LogTransactionsTest, AnAbortIndexedInALaterSegmentIsFoundFromTheDataSegment) {
  auto log = open_log();
  append_ok(*log, producer_batch(5, 0, 0, 3, now(), true));  // 0-2
  ASSERT_TRUE(log->roll().ok());
  append_ok(*log, make_values_batch(2, "plain", now()));  // 3-4
  ASSERT_TRUE(log->roll().ok());
  end_txn(*log, 5, ControlType::kAbort);  // 5
  ASSERT_EQ(log->segment_count(), 3u);
  EXPECT_FALSE(std::filesystem::exists(file(0, ".txnindex")));
  EXPECT_EQ(std::filesystem::file_size(file(5, ".txnindex")), 34u);

  // The read returns segment 0's batch only; the entry sits in segment 5.
  auto read = log->read(0, 1 << 20, FetchIsolation::kTxnCommitted, true);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(offsets_of(records_in(read->records)), (std::vector<std::int64_t>{0, 1, 2}));
  ASSERT_EQ(read->aborted_transactions->size(), 1u);
  EXPECT_EQ(read->aborted_transactions->at(0).producer_id, 5);
}

TEST_F(LogTransactionsTest, ReadCommittedBoundsItsSearchByWhatItReturned) {
  config_.index_interval_bytes = 1;  // every batch after the first indexed
  auto log = open_log();
  append_ok(*log, make_values_batch(2, "one", now()));       // 0-1
  append_ok(*log, make_values_batch(2, "two", now()));       // 2-3
  append_ok(*log, make_values_batch(2, "six", now()));       // 4-5
  append_ok(*log, producer_batch(5, 0, 0, 2, now(), true));  // 6-7
  end_txn(*log, 5, ControlType::kAbort);                     // 8
  // Only the first batch fits: the transaction further on is not listed
  // (the bound is, as in Kafka, the index entry after the slice's end, so
  // it may reach a batch or two beyond it, never less).
  const std::size_t first_batch = make_values_batch(2, "one", now()).size();
  auto small = log->read(0, first_batch, FetchIsolation::kTxnCommitted, false);
  ASSERT_TRUE(small.ok());
  EXPECT_EQ(offsets_of(records_in(small->records)), (std::vector<std::int64_t>{0, 1}));
  ASSERT_TRUE(small->aborted_transactions.has_value());
  EXPECT_TRUE(small->aborted_transactions->empty());
  auto all = log->read(0, 1 << 20, FetchIsolation::kTxnCommitted, false);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->aborted_transactions->size(), 1u);
}

TEST_F(LogTransactionsTest, ReadCommittedReadsRunConcurrentlyWithTransactionalAppends) {
  config_.segment_bytes = 4096;  // rolls while reading
  auto log = open_log();
  std::atomic<bool> done{false};
  std::atomic<int> checked{0};
  std::thread reader([&] {
    while (!done.load()) {
      const std::int64_t lso_before = log->last_stable_offset();
      auto read = log->read(log->log_start_offset(), 1 << 20, FetchIsolation::kTxnCommitted, true);
      ASSERT_TRUE(read.ok()) << read.status().detail;
      ASSERT_GE(read->last_stable_offset, lso_before);
      for (const auto& r : records_in(read->records)) ASSERT_LT(r.offset, read->last_stable_offset);
      ++checked;
    }
  });
  std::map<std::int64_t, std::int32_t> next_seq;
  for (int i = 0; i < 200; ++i) {
    const std::int64_t pid = 100 + i % 3;
    EXPECT_FALSE(append_ok(*log, producer_batch(pid, 0, next_seq[pid], 2, now(), true)).duplicate);
    next_seq[pid] += 2;
    append_ok(*log, make_values_batch(1, "plain", now()));
    end_txn(*log, pid, i % 2 == 0 ? ControlType::kAbort : ControlType::kCommit);
  }
  done = true;
  reader.join();
  EXPECT_GT(checked.load(), 0);
  EXPECT_EQ(log->last_stable_offset(), log->log_end_offset());
  EXPECT_EQ(log->collect_aborted_transactions(0, log->log_end_offset()).size(), 100u);
}

// --- snapshots, restarts and crashes ---

TEST_F(LogTransactionsTest, ProducerStateIsSnapshotOnRollAndOnClose) {
  auto log = open_log();
  append_ok(*log, producer_batch(1, 0, 0, 2, now()));
  ASSERT_TRUE(log->roll().ok());
  EXPECT_TRUE(std::filesystem::exists(producer_snapshot_path(log_dir(), 2)));
  EXPECT_EQ(log->latest_producer_snapshot_offset(), 2);
  append_ok(*log, producer_batch(1, 0, 2, 3, now()));
  ASSERT_TRUE(log->close().ok());
  EXPECT_TRUE(std::filesystem::exists(producer_snapshot_path(log_dir(), 5)));
  auto entries = read_producer_snapshot(producer_snapshot_path(log_dir(), 5));
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ(entries->at(0).last_seq(), 4);
}

TEST_F(LogTransactionsTest, ACleanRestartKeepsDuplicatesAndOpenTransactions) {
  {
    auto log = open_log();
    append_ok(*log, producer_batch(1, 0, 0, 2, now()));        // 0-1
    append_ok(*log, producer_batch(2, 0, 0, 2, now(), true));  // 2-3
    append_ok(*log, producer_batch(1, 0, 2, 2, now()));        // 4-5
    ASSERT_TRUE(log->close().ok());
  }
  auto log = open_log();
  EXPECT_EQ(log->last_stable_offset(), 2);
  EXPECT_TRUE(log->has_ongoing_transaction(2));
  const LogAppendInfo retry = append_ok(*log, producer_batch(1, 0, 2, 2, now()));
  EXPECT_TRUE(retry.duplicate);
  EXPECT_EQ(retry.first_offset, 4);
  end_txn(*log, 2, ControlType::kCommit);
  EXPECT_EQ(log->last_stable_offset(), 7);
}

TEST_F(LogTransactionsTest, AnUncleanRestartRebuildsProducerStateAndTheTxnIndexFromTheLog) {
  {
    auto log = open_log();
    append_ok(*log, producer_batch(1, 0, 0, 2, now()));        // 0-1
    append_ok(*log, producer_batch(1, 0, 2, 2, now()));        // 2-3
    ASSERT_TRUE(log->roll().ok());                             // snapshot at 4
    append_ok(*log, producer_batch(1, 0, 4, 2, now()));        // 4-5
    append_ok(*log, producer_batch(2, 0, 0, 3, now(), true));  // 6-8, left open
    append_ok(*log, producer_batch(3, 0, 0, 1, now(), true));  // 9
    end_txn(*log, 3, ControlType::kAbort);                     // 10
    EXPECT_EQ(log->last_stable_offset(), 6);
    // A crash: no close, no shutdown snapshot; the index is lost too.
  }
  ASSERT_TRUE(std::filesystem::exists(producer_snapshot_path(log_dir(), 4)));
  ASSERT_FALSE(std::filesystem::exists(producer_snapshot_path(log_dir(), 11)));
  std::filesystem::remove(file(4, ".txnindex"));
  LogOpenOptions options;
  options.had_clean_shutdown = false;
  options.recovery_point = 4;
  auto log = open_log(options);
  ASSERT_EQ(log->log_end_offset(), 11);

  // The open transaction still holds the LSO.
  EXPECT_EQ(log->last_stable_offset(), 6);
  EXPECT_TRUE(log->has_ongoing_transaction(2));
  EXPECT_FALSE(log->has_ongoing_transaction(3));
  // The abort is indexed again, with the LSO it had.
  EXPECT_EQ(log->collect_aborted_transactions(0, 11), (std::vector<AbortedTxn>{{3, 9, 10, 6}}));
  // Retries are still recognised: the last batch (replayed) and the one
  // before it (from the snapshot at 4).
  LogAppendInfo retry = append_ok(*log, producer_batch(1, 0, 4, 2, now()));
  EXPECT_TRUE(retry.duplicate);
  EXPECT_EQ(retry.first_offset, 4);
  retry = append_ok(*log, producer_batch(1, 0, 2, 2, now()));
  EXPECT_TRUE(retry.duplicate);
  EXPECT_EQ(retry.first_offset, 2);
  EXPECT_EQ(append(*log, producer_batch(1, 0, 7, 1, now())).code(), ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER);
  EXPECT_EQ(append_ok(*log, producer_batch(1, 0, 6, 1, now())).first_offset, 11);
}

TEST_F(LogTransactionsTest, WithoutAnySnapshotAnUncleanRestartReplaysTheWholeLog) {
  {
    auto log = open_log();
    append_ok(*log, producer_batch(2, 0, 0, 1, now(), true));  // 0
    ASSERT_TRUE(log->roll().ok());
    append_ok(*log, producer_batch(1, 0, 0, 2, now()));  // 1-2
    ASSERT_TRUE(log->close().ok());
  }
  for (const auto& e : std::filesystem::directory_iterator(log_dir())) {
    if (producer_snapshot_offset(e.path())) std::filesystem::remove(e.path());
  }
  LogOpenOptions options;
  options.had_clean_shutdown = false;
  options.recovery_point = 3;
  auto log = open_log(options);
  EXPECT_TRUE(log->has_ongoing_transaction(2));
  EXPECT_EQ(log->last_stable_offset(), 0);
  EXPECT_TRUE(append_ok(*log, producer_batch(1, 0, 0, 2, now())).duplicate);
}

TEST_F(LogTransactionsTest, ABatchLostToATornWriteIsNotADuplicate) {
  {
    auto log = open_log();
    append_ok(*log, producer_batch(1, 0, 0, 2, now()));  // 0-1
    append_ok(*log, producer_batch(1, 0, 2, 2, now()));  // 2-3
  }
  // The crash tore the second batch.
  std::filesystem::resize_file(file(0, ".log"), std::filesystem::file_size(file(0, ".log")) - 5);
  LogOpenOptions options;
  options.had_clean_shutdown = false;
  auto log = open_log(options);
  ASSERT_EQ(log->log_end_offset(), 2);
  const LogAppendInfo resent = append_ok(*log, producer_batch(1, 0, 2, 2, now()));
  EXPECT_FALSE(resent.duplicate);
  EXPECT_EQ(resent.first_offset, 2);
}

// --- truncation, retention, expiry ---

TEST_F(LogTransactionsTest, TruncationDropsProducerStateAndIndexEntriesAboveTheOffset) {
  auto log = open_log();
  append_ok(*log, producer_batch(5, 0, 0, 3, now(), true));  // 0-2
  end_txn(*log, 5, ControlType::kAbort);                     // 3
  append_ok(*log, producer_batch(7, 0, 0, 2, now()));        // 4-5
  ASSERT_TRUE(log->roll().ok());                             // snapshot at 6
  append_ok(*log, producer_batch(7, 0, 2, 2, now()));        // 6-7

  ASSERT_TRUE(log->truncate_to(4).ok());
  EXPECT_EQ(log->log_end_offset(), 4);
  EXPECT_NE(log->latest_producer_snapshot_offset(), 6);
  EXPECT_FALSE(std::filesystem::exists(producer_snapshot_path(log_dir(), 6)));
  EXPECT_EQ(log->collect_aborted_transactions(0, 4).size(), 1u);
  // Producer 7's batches are gone: its first batch is new again.
  const LogAppendInfo again = append_ok(*log, producer_batch(7, 0, 0, 2, now()));
  EXPECT_FALSE(again.duplicate);
  EXPECT_EQ(again.first_offset, 4);

  // Below the abort marker: the entry goes and the transaction is open again.
  ASSERT_TRUE(log->truncate_to(3).ok());
  EXPECT_TRUE(log->collect_aborted_transactions(0, 10).empty());
  EXPECT_EQ(std::filesystem::file_size(file(0, ".txnindex")), 0u);
  EXPECT_TRUE(log->has_ongoing_transaction(5));
  EXPECT_EQ(log->last_stable_offset(), 0);
  EXPECT_EQ(log->active_producers().size(), 1u);
}

TEST_F(LogTransactionsTest, RetentionDeletesSnapshotsBelowTheLogStart) {
  auto log = open_log();
  append_ok(*log, producer_batch(1, 0, 0, 2, now()));  // 0-1
  ASSERT_TRUE(log->roll().ok());                       // snapshot 2
  append_ok(*log, producer_batch(1, 0, 2, 2, now()));  // 2-3
  ASSERT_TRUE(log->roll().ok());                       // snapshot 4
  append_ok(*log, producer_batch(1, 0, 4, 2, now()));  // 4-5
  ASSERT_TRUE(log->delete_records_before(4).ok());
  auto deleted = log->delete_old_segments();
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(*deleted, 2);
  EXPECT_FALSE(std::filesystem::exists(producer_snapshot_path(log_dir(), 2)));
  EXPECT_TRUE(std::filesystem::exists(producer_snapshot_path(log_dir(), 4)));
  // The producer's latest batches are still known.
  EXPECT_TRUE(append_ok(*log, producer_batch(1, 0, 4, 2, now())).duplicate);
}

TEST_F(LogTransactionsTest, TheFirstUnstableOffsetNeverStaysBelowTheLogStart) {
  auto log = open_log();
  append_ok(*log, producer_batch(5, 0, 0, 2, now(), true));  // 0-1
  append_ok(*log, make_values_batch(2, "plain", now()));     // 2-3
  ASSERT_TRUE(log->delete_records_before(2).ok());
  EXPECT_EQ(log->first_unstable_offset(), 2);
  EXPECT_EQ(log->last_stable_offset(), 2);
  auto read = log->read(2, 1 << 20, FetchIsolation::kTxnCommitted, true);
  ASSERT_TRUE(read.ok());
  EXPECT_TRUE(read->records.empty());
}

TEST_F(LogTransactionsTest, IdleProducersExpireButNotWithAnOpenTransaction) {
  LogOpenOptions options;
  options.producer_id_expiration_ms = 1000;
  auto log = open_log(options);
  append_ok(*log, producer_batch(1, 0, 0, 2, now()));
  append_ok(*log, producer_batch(2, 0, 0, 2, now(), true));
  clock_.advance(999);
  log->remove_expired_producers(clock_.now_ms());
  EXPECT_EQ(log->active_producers().size(), 2u);
  clock_.advance(2);
  log->remove_expired_producers(clock_.now_ms());
  const std::vector<ActiveProducer> left = log->active_producers();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].producer_id, 2);
  // Producer 1 is unknown again: its old batch is no duplicate, and any
  // sequence is accepted from it (KIP-360).
  EXPECT_FALSE(append_ok(*log, producer_batch(1, 0, 0, 2, now())).duplicate);
  EXPECT_FALSE(append_ok(*log, producer_batch(3, 0, 42, 1, now())).duplicate);
}

TEST_F(LogTransactionsTest, ActiveProducersDescribeEachProducer) {
  auto log = open_log();
  append_ok(*log, producer_batch(1, 3, 0, 3, now()));        // 0-2
  append_ok(*log, producer_batch(2, 0, 0, 1, now(), true));  // 3
  std::vector<ActiveProducer> producers = log->active_producers();
  ASSERT_EQ(producers.size(), 2u);
  EXPECT_EQ(producers[0].producer_id, 1);
  EXPECT_EQ(producers[0].producer_epoch, 3);
  EXPECT_EQ(producers[0].last_sequence, 2);
  EXPECT_EQ(producers[0].last_timestamp, now());
  EXPECT_EQ(producers[0].coordinator_epoch, -1);
  EXPECT_EQ(producers[0].current_txn_start_offset, -1);
  EXPECT_EQ(producers[1].current_txn_start_offset, 3);
  append_ok(*log, marker_batch(2, 0, ControlType::kCommit, now(), 7), AppendOrigin::kCoordinator);
  producers = log->active_producers();
  EXPECT_EQ(producers[1].coordinator_epoch, 7);
  EXPECT_EQ(producers[1].current_txn_start_offset, -1);
  EXPECT_EQ(producers[1].last_sequence, 0);
}

TEST_F(LogTransactionsTest, TheLogManagerPassesTheExpirationOnAndExpiresProducers) {
  LogManagerConfig config;
  config.log_dirs = {dir_.path() / "data"};
  config.producer_id_expiration_ms = 500;
  auto manager = LogManager::open(config, clock_);
  ASSERT_TRUE(manager.ok()) << manager.status().detail;
  auto log = (*manager)->get_or_create_log(TopicPartition{"t", 0}, protocol::Uuid{}, std::make_shared<LogConfig>());
  ASSERT_TRUE(log.ok());
  append_ok(**log, producer_batch(1, 0, 0, 1, now()));
  clock_.advance(600);
  (*manager)->remove_expired_producers();
  EXPECT_TRUE((*log)->active_producers().empty());
  ASSERT_TRUE((*manager)->shutdown().ok());
}

}  // namespace
}  // namespace sluice::storage
