#include "storage/producer/producer_state_manager.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>

#include "storage/producer/producer_snapshot_file.h"
#include "tests/storage/checkpoint/temp_dir.h"
#include "tests/storage/producer/producer_test_util.h"

namespace sluice::storage {
namespace {

using protocol::ControlType;
using protocol::ErrorCode;
using testutil::marker_batch;
using testutil::producer_batch;
using testutil::TempDir;

constexpr std::int64_t kExpirationMs = 60'000;

class ProducerStateManagerTest : public ::testing::Test {
 protected:
  ProducerStateManager open_manager() {
    auto m = ProducerStateManager::open(dir_.path(), kExpirationMs);
    EXPECT_TRUE(m.ok());
    return std::move(*m);
  }

  // The log's sequence for one batch: validate, then apply and advance.
  protocol::Result<std::optional<CompletedTxn>> append(const protocol::RecordBatchHeader& batch,
                                                       AppendOrigin origin = AppendOrigin::kClient,
                                                       std::optional<ControlBatchMarker> marker = std::nullopt) {
    ProducerAppendInfo info = manager_.prepare_update(batch.producer_id, origin);
    auto result = info.append(batch, marker);
    if (!result.ok()) return result;
    EXPECT_TRUE(manager_.update(info).ok());
    manager_.update_map_end_offset(batch.last_offset() + 1);
    return result;
  }

  CompletedTxn end_txn(std::int64_t pid, std::int16_t epoch, std::int64_t offset, ControlType type) {
    auto done = append(marker_batch(pid, epoch, offset), AppendOrigin::kCoordinator,
                       ControlBatchMarker{protocol::EndTxnMarker{type, 0}, 1000});
    EXPECT_TRUE(done.ok() && *done);
    EXPECT_TRUE(manager_.complete_txn(**done).ok());
    return **done;
  }

  TempDir dir_;
  ProducerStateManager manager_ = open_manager();
};

TEST_F(ProducerStateManagerTest, RetryOfAppendedBatchIsDuplicateWithOriginalOffsets) {
  ASSERT_TRUE(append(producer_batch(1, 0, 0, 3, 100)).ok());
  ASSERT_TRUE(append(producer_batch(1, 0, 3, 2, 103)).ok());
  // The retry arrives before offsets are assigned: its base offset is junk.
  auto dup = manager_.find_duplicate(producer_batch(1, 0, 0, 3, 0));
  ASSERT_TRUE(dup);
  EXPECT_EQ(dup->first_offset(), 100);
  EXPECT_EQ(dup->last_offset, 102);
  EXPECT_FALSE(manager_.find_duplicate(producer_batch(2, 0, 0, 3, 0)));  // other producer
  EXPECT_FALSE(manager_.find_duplicate(producer_batch(1, 1, 0, 3, 0)));  // other epoch
  // Appended once: the cache still holds exactly the two batches.
  EXPECT_EQ(manager_.last_entry(1)->batches().size(), 2u);
}

TEST_F(ProducerStateManagerTest, RetryOlderThanFiveBatchesIsOutOfOrder) {
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(append(producer_batch(1, 0, i * 2, 2, i * 2)).ok());
  EXPECT_FALSE(manager_.find_duplicate(producer_batch(1, 0, 0, 2, 0)));  // the 6th-oldest
  EXPECT_EQ(append(producer_batch(1, 0, 0, 2, 12)).code(), ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER);
  auto fifth = manager_.find_duplicate(producer_batch(1, 0, 2, 2, 0));
  ASSERT_TRUE(fifth);
  EXPECT_EQ(fifth->first_offset(), 2);
}

TEST_F(ProducerStateManagerTest, RejectedAppendLeavesStateUntouched) {
  ASSERT_TRUE(append(producer_batch(1, 0, 0, 1, 0)).ok());
  ProducerAppendInfo info = manager_.prepare_update(1, AppendOrigin::kClient);
  ASSERT_TRUE(info.append(producer_batch(1, 0, 1, 1, 1), std::nullopt).ok());
  EXPECT_EQ(info.append(producer_batch(1, 0, 5, 1, 2), std::nullopt).code(), ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER);
  // The request is dropped: nothing of it reaches the manager.
  EXPECT_EQ(manager_.last_entry(1)->last_seq(), 0);
  EXPECT_EQ(append(producer_batch(1, 0, 1, 1, 1)).code(), ErrorCode::NONE);
}

TEST_F(ProducerStateManagerTest, EpochBumpResetsDuplicateWindow) {
  ASSERT_TRUE(append(producer_batch(1, 0, 0, 1, 0)).ok());
  EXPECT_EQ(append(producer_batch(1, 1, 1, 1, 1)).code(), ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER);
  ASSERT_TRUE(append(producer_batch(1, 1, 0, 1, 1)).ok());
  EXPECT_EQ(manager_.last_entry(1)->batches().size(), 1u);
  EXPECT_FALSE(manager_.find_duplicate(producer_batch(1, 0, 0, 1, 0)));
  EXPECT_EQ(append(producer_batch(1, 0, 1, 1, 2)).code(), ErrorCode::INVALID_PRODUCER_EPOCH);
}

TEST_F(ProducerStateManagerTest, TransactionsBoundTheFirstUnstableOffset) {
  EXPECT_FALSE(manager_.first_unstable_offset());
  ASSERT_TRUE(append(producer_batch(1, 0, 0, 5, 0, 1000, true)).ok());   // txn A at 0
  ASSERT_TRUE(append(producer_batch(2, 0, 0, 5, 5, 1000, true)).ok());   // txn B at 5
  ASSERT_TRUE(append(producer_batch(1, 0, 5, 5, 10, 1000, true)).ok());  // still A
  EXPECT_EQ(manager_.ongoing_transactions().size(), 2u);
  EXPECT_EQ(manager_.first_undecided_offset(), 0);
  EXPECT_EQ(manager_.first_unstable_offset(), 0);

  const CompletedTxn a = end_txn(1, 0, 15, ControlType::kCommit);
  EXPECT_EQ(a, (CompletedTxn{1, 0, 15, false}));
  EXPECT_EQ(manager_.last_stable_offset(a), 5);  // B still open
  EXPECT_EQ(manager_.first_undecided_offset(), 5);
  // A's marker is not replicated yet: still unstable from 0.
  EXPECT_EQ(manager_.first_unstable_offset(), 0);
  manager_.on_high_watermark_updated(16);
  EXPECT_EQ(manager_.first_unstable_offset(), 5);

  const CompletedTxn b = end_txn(2, 0, 16, ControlType::kAbort);
  EXPECT_TRUE(b.is_aborted);
  EXPECT_EQ(manager_.last_stable_offset(b), 17);
  EXPECT_EQ(manager_.first_unstable_offset(), 5);
  manager_.on_high_watermark_updated(17);
  EXPECT_FALSE(manager_.first_unstable_offset());
  EXPECT_FALSE(manager_.last_entry(2)->current_txn_first_offset());
}

TEST_F(ProducerStateManagerTest, CompletingUnknownTransactionIsAnError) {
  EXPECT_EQ(manager_.complete_txn(CompletedTxn{1, 0, 3, false}).code, ErrorCode::UNKNOWN_SERVER_ERROR);
}

TEST_F(ProducerStateManagerTest, IdleProducersExpireButNotWithOpenTransaction) {
  ASSERT_TRUE(append(producer_batch(1, 0, 0, 1, 0, /*timestamp=*/1'000)).ok());
  ASSERT_TRUE(append(producer_batch(2, 0, 0, 1, 1, /*timestamp=*/1'000, true)).ok());
  ASSERT_TRUE(append(producer_batch(3, 0, 0, 1, 2, /*timestamp=*/30'000)).ok());
  manager_.remove_expired_producers(1'000 + kExpirationMs - 1);
  EXPECT_EQ(manager_.producer_id_count(), 3u);
  manager_.remove_expired_producers(1'000 + kExpirationMs);
  EXPECT_FALSE(manager_.last_entry(1));
  EXPECT_TRUE(manager_.last_entry(2));  // its transaction is still open
  EXPECT_TRUE(manager_.last_entry(3));
  // An expired producer comes back with any sequence (KIP-360).
  EXPECT_EQ(append(producer_batch(1, 0, 9, 1, 3, 70'000)).code(), ErrorCode::NONE);
}

TEST_F(ProducerStateManagerTest, SnapshotReloadsStateAndOpenTransactions) {
  ASSERT_TRUE(append(producer_batch(1, 2, 0, 3, 0, 5'000)).ok());
  ASSERT_TRUE(append(producer_batch(1, 2, 3, 2, 3, 5'000)).ok());
  ASSERT_TRUE(append(producer_batch(7, 0, 0, 2, 5, 5'000, true)).ok());
  ASSERT_TRUE(manager_.take_snapshot().ok());
  EXPECT_EQ(manager_.latest_snapshot_offset(), 7);
  EXPECT_TRUE(std::filesystem::exists(dir_ / "00000000000000000007.snapshot"));

  ProducerStateManager reopened = open_manager();
  EXPECT_EQ(reopened.latest_snapshot_offset(), 7);
  ASSERT_TRUE(reopened.truncate_and_reload(0, 7, 6'000).ok());
  EXPECT_EQ(reopened.map_end_offset(), 7);
  ASSERT_TRUE(reopened.last_entry(1));
  EXPECT_EQ(reopened.last_entry(1)->producer_epoch(), 2);
  EXPECT_EQ(reopened.last_entry(1)->last_seq(), 4);
  // Only the last batch survives a snapshot, as in Kafka.
  EXPECT_TRUE(reopened.find_duplicate(producer_batch(1, 2, 3, 2, 0)));
  EXPECT_FALSE(reopened.find_duplicate(producer_batch(1, 2, 0, 3, 0)));
  EXPECT_EQ(reopened.first_undecided_offset(), 5);
}

TEST_F(ProducerStateManagerTest, SnapshotIsTakenOnlyWhenStateMoved) {
  ASSERT_TRUE(manager_.take_snapshot().ok());
  EXPECT_FALSE(manager_.latest_snapshot_offset());
  ASSERT_TRUE(append(producer_batch(1, 0, 0, 1, 0)).ok());
  ASSERT_TRUE(manager_.take_snapshot().ok());
  ASSERT_TRUE(manager_.take_snapshot().ok());
  auto listed = list_producer_snapshots(dir_.path());
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 1u);
}

TEST_F(ProducerStateManagerTest, TruncationDropsStateAboveTheOffset) {
  ASSERT_TRUE(append(producer_batch(1, 0, 0, 10, 0)).ok());
  ASSERT_TRUE(manager_.take_snapshot().ok());  // at 10
  ASSERT_TRUE(append(producer_batch(1, 0, 10, 10, 10)).ok());
  ASSERT_TRUE(append(producer_batch(2, 0, 0, 5, 20)).ok());
  ASSERT_TRUE(manager_.take_snapshot().ok());  // at 25

  ASSERT_TRUE(manager_.truncate_and_reload(0, 15, 2'000).ok());
  EXPECT_FALSE(std::filesystem::exists(producer_snapshot_path(dir_.path(), 25)));
  EXPECT_EQ(manager_.latest_snapshot_offset(), 10);
  // State as of offset 10; the log replays 10..15 from here.
  EXPECT_EQ(manager_.map_end_offset(), 10);
  EXPECT_FALSE(manager_.last_entry(2));
  EXPECT_EQ(manager_.last_entry(1)->last_seq(), 9);
  EXPECT_EQ(append(producer_batch(1, 0, 10, 5, 10), AppendOrigin::kReplication).code(), ErrorCode::NONE);
  EXPECT_EQ(append(producer_batch(1, 0, 15, 1, 15)).code(), ErrorCode::NONE);
}

TEST_F(ProducerStateManagerTest, TruncationBelowEverySnapshotStartsEmptyAtLogStart) {
  ASSERT_TRUE(append(producer_batch(1, 0, 0, 10, 0)).ok());
  ASSERT_TRUE(manager_.take_snapshot().ok());
  ASSERT_TRUE(manager_.truncate_and_reload(3, 5, 2'000).ok());
  EXPECT_FALSE(manager_.latest_snapshot_offset());
  EXPECT_EQ(manager_.map_end_offset(), 3);
  EXPECT_TRUE(manager_.is_empty());
}

TEST_F(ProducerStateManagerTest, CorruptLatestSnapshotIsDeletedAndOlderOneUsed) {
  ASSERT_TRUE(append(producer_batch(1, 0, 0, 10, 0)).ok());
  ASSERT_TRUE(manager_.take_snapshot().ok());  // at 10
  ASSERT_TRUE(append(producer_batch(1, 0, 10, 10, 10)).ok());
  ASSERT_TRUE(manager_.take_snapshot().ok());  // at 20
  const auto latest = producer_snapshot_path(dir_.path(), 20);
  std::string bytes = testutil::read_all(latest);
  bytes[12] ^= 0x7f;
  testutil::write_all(latest, bytes);

  ProducerStateManager reopened = open_manager();
  ASSERT_TRUE(reopened.truncate_and_reload(0, 20, 2'000).ok());
  EXPECT_FALSE(std::filesystem::exists(latest));
  EXPECT_EQ(reopened.map_end_offset(), 10);
  EXPECT_EQ(reopened.last_entry(1)->last_seq(), 9);
}

TEST_F(ProducerStateManagerTest, ReloadSkipsExpiredProducers) {
  ASSERT_TRUE(append(producer_batch(1, 0, 0, 1, 0, 1'000)).ok());
  ASSERT_TRUE(append(producer_batch(2, 0, 0, 1, 1, 50'000)).ok());
  ASSERT_TRUE(manager_.take_snapshot().ok());
  ProducerStateManager reopened = open_manager();
  ASSERT_TRUE(reopened.truncate_and_reload(0, 2, 1'000 + kExpirationMs).ok());
  EXPECT_FALSE(reopened.last_entry(1));
  EXPECT_TRUE(reopened.last_entry(2));
}

TEST_F(ProducerStateManagerTest, DeleteSnapshotsBeforeAndTruncateFully) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(append(producer_batch(1, 0, i, 1, i)).ok());
    ASSERT_TRUE(manager_.take_snapshot().ok());
  }
  ASSERT_TRUE(manager_.delete_snapshots_before(3).ok());
  EXPECT_EQ(manager_.oldest_snapshot_offset(), 3);
  EXPECT_FALSE(std::filesystem::exists(producer_snapshot_path(dir_.path(), 1)));
  ASSERT_TRUE(manager_.truncate_fully_and_start_at(50).ok());
  EXPECT_TRUE(manager_.is_empty());
  EXPECT_FALSE(manager_.latest_snapshot_offset());
  EXPECT_EQ(manager_.map_end_offset(), 50);
  EXPECT_FALSE(std::filesystem::exists(producer_snapshot_path(dir_.path(), 3)));
}

TEST_F(ProducerStateManagerTest, UpdateWithoutProducerIdIsRejected) {
  ProducerAppendInfo info = manager_.prepare_update(protocol::kNoProducerId, AppendOrigin::kClient);
  EXPECT_EQ(manager_.update(info).code, ErrorCode::INVALID_RECORD);
}

}  // namespace
}  // namespace sluice::storage
