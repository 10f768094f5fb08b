#include "storage/producer/producer_append_info.h"

#include <gtest/gtest.h>

#include <limits>

#include "tests/storage/producer/producer_test_util.h"

namespace sluice::storage {
namespace {

using protocol::ControlType;
using protocol::ErrorCode;
using testutil::marker_batch;
using testutil::producer_batch;

constexpr std::int64_t kPid = 7;
constexpr std::int32_t kMax = std::numeric_limits<std::int32_t>::max();

// A producer at epoch 2 whose last batch had sequences 0..4 at offsets 0..4.
ProducerStateEntry known_producer() {
  ProducerStateEntry entry = ProducerStateEntry::empty(kPid);
  entry.add_batch(2, 4, 4, 4, 1000);
  return entry;
}

ErrorCode append_code(ProducerAppendInfo& info, const protocol::RecordBatchHeader& batch) {
  return info.append(batch, std::nullopt).code();
}

std::optional<ControlBatchMarker> marker(ControlType type, std::int32_t coordinator_epoch = 0) {
  return ControlBatchMarker{protocol::EndTxnMarker{type, coordinator_epoch}, 2000};
}

TEST(ProducerAppendInfoTest, AcceptsConsecutiveSequencesWithinOneRequest) {
  ProducerAppendInfo info(kPid, known_producer(), AppendOrigin::kClient);
  EXPECT_EQ(append_code(info, producer_batch(kPid, 2, 5, 3, 5)), ErrorCode::NONE);
  EXPECT_EQ(append_code(info, producer_batch(kPid, 2, 8, 2, 8)), ErrorCode::NONE);
  const ProducerStateEntry& e = info.to_entry();
  ASSERT_EQ(e.batches().size(), 2u);  // only the new batches
  EXPECT_EQ(e.last_seq(), 9);
  EXPECT_EQ(e.last_data_offset(), 9);
}

TEST(ProducerAppendInfoTest, GapIsOutOfOrderSequence) {
  ProducerAppendInfo info(kPid, known_producer(), AppendOrigin::kClient);
  EXPECT_EQ(append_code(info, producer_batch(kPid, 2, 6, 1, 5)), ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER);
}

TEST(ProducerAppendInfoTest, GapWithinOneRequestIsOutOfOrderSequence) {
  ProducerAppendInfo info(kPid, known_producer(), AppendOrigin::kClient);
  ASSERT_EQ(append_code(info, producer_batch(kPid, 2, 5, 3, 5)), ErrorCode::NONE);
  EXPECT_EQ(append_code(info, producer_batch(kPid, 2, 9, 1, 8)), ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER);
}

TEST(ProducerAppendInfoTest, SequenceWrapsFromIntMaxToZero) {
  ProducerStateEntry entry = ProducerStateEntry::empty(kPid);
  entry.add_batch(0, kMax, 100, 0, 1000);
  ProducerAppendInfo info(kPid, entry, AppendOrigin::kClient);
  EXPECT_EQ(append_code(info, producer_batch(kPid, 0, 0, 1, 101)), ErrorCode::NONE);
  // A batch spanning the wrap: sequences INT32_MAX-1, INT32_MAX, 0.
  ProducerStateEntry near_end = ProducerStateEntry::empty(kPid);
  near_end.add_batch(0, kMax - 2, 100, 0, 1000);
  ProducerAppendInfo spanning(kPid, near_end, AppendOrigin::kClient);
  ASSERT_EQ(append_code(spanning, producer_batch(kPid, 0, kMax - 1, 3, 101)), ErrorCode::NONE);
  EXPECT_EQ(spanning.to_entry().last_seq(), 0);
  EXPECT_EQ(append_code(spanning, producer_batch(kPid, 0, 1, 1, 104)), ErrorCode::NONE);
}

TEST(ProducerAppendInfoTest, NoWrapToZeroBeforeIntMax) {
  ProducerStateEntry entry = ProducerStateEntry::empty(kPid);
  entry.add_batch(0, kMax - 1, 100, 0, 1000);
  ProducerAppendInfo info(kPid, entry, AppendOrigin::kClient);
  EXPECT_EQ(append_code(info, producer_batch(kPid, 0, 0, 1, 101)), ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER);
}

TEST(ProducerAppendInfoTest, BumpedEpochMustRestartAtSequenceZero) {
  ProducerAppendInfo bad(kPid, known_producer(), AppendOrigin::kClient);
  EXPECT_EQ(append_code(bad, producer_batch(kPid, 3, 5, 1, 5)), ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER);
  ProducerAppendInfo good(kPid, known_producer(), AppendOrigin::kClient);
  ASSERT_EQ(append_code(good, producer_batch(kPid, 3, 0, 2, 5)), ErrorCode::NONE);
  EXPECT_EQ(good.to_entry().producer_epoch(), 3);
  EXPECT_EQ(good.to_entry().last_seq(), 1);
}

TEST(ProducerAppendInfoTest, OlderEpochIsInvalidProducerEpoch) {
  ProducerAppendInfo info(kPid, known_producer(), AppendOrigin::kClient);
  EXPECT_EQ(append_code(info, producer_batch(kPid, 1, 5, 1, 5)), ErrorCode::INVALID_PRODUCER_EPOCH);
  ProducerAppendInfo coordinator(kPid, known_producer(), AppendOrigin::kCoordinator);
  EXPECT_EQ(append_code(coordinator, producer_batch(kPid, 1, protocol::kNoSequence, 1, 5)),
            ErrorCode::INVALID_PRODUCER_EPOCH);
}

TEST(ProducerAppendInfoTest, UnknownProducerMayStartAtAnySequence) {
  // KIP-360: no UNKNOWN_PRODUCER_ID for a producer whose state expired.
  ProducerAppendInfo info(kPid, ProducerStateEntry::empty(kPid), AppendOrigin::kClient);
  ASSERT_EQ(append_code(info, producer_batch(kPid, 4, 17, 3, 50)), ErrorCode::NONE);
  EXPECT_EQ(info.to_entry().producer_epoch(), 4);
  EXPECT_EQ(info.to_entry().last_seq(), 19);
  // Once known, the producer is held to its sequence again.
  ProducerAppendInfo next(kPid, info.to_entry(), AppendOrigin::kClient);
  EXPECT_EQ(append_code(next, producer_batch(kPid, 4, 21, 1, 53)), ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER);
  EXPECT_EQ(append_code(next, producer_batch(kPid, 4, 20, 1, 53)), ErrorCode::NONE);
}

TEST(ProducerAppendInfoTest, ReplicationSkipsSequenceAndEpochChecksButUpdatesState) {
  ProducerAppendInfo info(kPid, known_producer(), AppendOrigin::kReplication);
  ASSERT_EQ(append_code(info, producer_batch(kPid, 2, 40, 2, 5)), ErrorCode::NONE);  // gap
  ASSERT_EQ(append_code(info, producer_batch(kPid, 1, 0, 1, 7)), ErrorCode::NONE);   // older epoch
  EXPECT_EQ(info.to_entry().producer_epoch(), 1);
  EXPECT_EQ(info.to_entry().last_data_offset(), 7);
}

TEST(ProducerAppendInfoTest, CoordinatorOriginChecksEpochButNotSequence) {
  ProducerAppendInfo info(kPid, known_producer(), AppendOrigin::kCoordinator);
  EXPECT_EQ(append_code(info, producer_batch(kPid, 2, protocol::kNoSequence, 1, 5)), ErrorCode::NONE);
}

TEST(ProducerAppendInfoTest, TransactionalBatchBeginsTransactionOnce) {
  ProducerAppendInfo info(kPid, known_producer(), AppendOrigin::kClient);
  ASSERT_EQ(append_code(info, producer_batch(kPid, 2, 5, 2, 10, 1000, true)), ErrorCode::NONE);
  ASSERT_EQ(append_code(info, producer_batch(kPid, 2, 7, 2, 12, 1000, true)), ErrorCode::NONE);
  EXPECT_EQ(info.to_entry().current_txn_first_offset(), 10);
  ASSERT_EQ(info.started_transactions().size(), 1u);
  EXPECT_EQ(info.started_transactions()[0], (TxnMetadata{kPid, 10, std::nullopt}));
}

TEST(ProducerAppendInfoTest, NonTransactionalBatchInsideTransactionIsInvalidTxnState) {
  ProducerAppendInfo info(kPid, known_producer(), AppendOrigin::kClient);
  ASSERT_EQ(append_code(info, producer_batch(kPid, 2, 5, 1, 10, 1000, true)), ErrorCode::NONE);
  EXPECT_EQ(append_code(info, producer_batch(kPid, 2, 6, 1, 11)), ErrorCode::INVALID_TXN_STATE);
}

TEST(ProducerAppendInfoTest, CommitMarkerCompletesTransaction) {
  ProducerAppendInfo info(kPid, known_producer(), AppendOrigin::kClient);
  ASSERT_EQ(append_code(info, producer_batch(kPid, 2, 5, 3, 10, 1000, true)), ErrorCode::NONE);
  ProducerAppendInfo coordinator(kPid, info.to_entry(), AppendOrigin::kCoordinator);
  auto done = coordinator.append(marker_batch(kPid, 2, 20), marker(ControlType::kCommit, 3));
  ASSERT_TRUE(done.ok());
  ASSERT_TRUE(*done);
  EXPECT_EQ(**done, (CompletedTxn{kPid, 10, 20, false}));
  EXPECT_FALSE(coordinator.to_entry().current_txn_first_offset());
  EXPECT_EQ(coordinator.to_entry().coordinator_epoch(), 3);
  EXPECT_EQ(coordinator.to_entry().last_timestamp(), 2000);
}

TEST(ProducerAppendInfoTest, AbortMarkerIsAbortedAndMarkerWithoutDataCompletesNothing) {
  ProducerAppendInfo info(kPid, known_producer(), AppendOrigin::kClient);
  ASSERT_EQ(append_code(info, producer_batch(kPid, 2, 5, 1, 10, 1000, true)), ErrorCode::NONE);
  auto aborted = info.append(marker_batch(kPid, 2, 11), marker(ControlType::kAbort));
  ASSERT_TRUE(aborted.ok() && *aborted);
  EXPECT_TRUE((*aborted)->is_aborted);
  auto empty = info.append(marker_batch(kPid, 2, 12), marker(ControlType::kAbort));
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(*empty);
}

TEST(ProducerAppendInfoTest, MarkerFromOlderCoordinatorIsFenced) {
  ProducerStateEntry entry = known_producer();
  entry.update_for_marker(2, 5, 1000);
  ProducerAppendInfo info(kPid, entry, AppendOrigin::kCoordinator);
  EXPECT_EQ(info.append(marker_batch(kPid, 2, 20), marker(ControlType::kCommit, 4)).code(),
            ErrorCode::TRANSACTION_COORDINATOR_FENCED);
  ProducerAppendInfo replica(kPid, entry, AppendOrigin::kReplication);
  EXPECT_EQ(replica.append(marker_batch(kPid, 2, 20), marker(ControlType::kCommit, 4)).code(), ErrorCode::NONE);
}

TEST(ProducerAppendInfoTest, MarkerWithOlderProducerEpochIsInvalidProducerEpoch) {
  ProducerAppendInfo info(kPid, known_producer(), AppendOrigin::kCoordinator);
  EXPECT_EQ(info.append(marker_batch(kPid, 1, 20), marker(ControlType::kAbort)).code(),
            ErrorCode::INVALID_PRODUCER_EPOCH);
}

TEST(ProducerAppendInfoTest, EmptyControlBatchChangesNothing) {
  ProducerAppendInfo info(kPid, known_producer(), AppendOrigin::kReplication);
  ASSERT_EQ(append_code(info, producer_batch(kPid, 2, 5, 1, 10, 1000, true)), ErrorCode::NONE);
  auto r = info.append(marker_batch(kPid, 2, 11), std::nullopt);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(*r);
  EXPECT_EQ(info.to_entry().current_txn_first_offset(), 10);
}

TEST(ProducerAppendInfoTest, ReadsMarkerOfARealControlBatch) {
  protocol::MarkerBatchOptions options;
  options.base_offset = 30;
  options.producer_id = kPid;
  options.producer_epoch = 2;
  options.timestamp = 4242;
  auto bytes = protocol::build_marker_batch(protocol::EndTxnMarker{ControlType::kCommit, 9}, options);
  ASSERT_TRUE(bytes.ok());
  auto view = protocol::RecordBatchView::parse(*bytes);
  ASSERT_TRUE(view.ok());
  auto m = read_control_batch_marker(*view, 1 << 20);
  ASSERT_TRUE(m.ok());
  ASSERT_TRUE(*m);
  EXPECT_EQ((*m)->marker.type, ControlType::kCommit);
  EXPECT_EQ((*m)->marker.coordinator_epoch, 9);
  EXPECT_EQ((*m)->timestamp, 4242);
  EXPECT_TRUE(view->header().is_control());
}

}  // namespace
}  // namespace sluice::storage
