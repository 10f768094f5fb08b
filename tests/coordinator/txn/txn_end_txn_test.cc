// AddPartitionsToTxn, AddOffsetsToTxn and EndTxn: the transaction state
// machine, the markers, and the errors Kafka answers.
#include <gtest/gtest.h>

#include "coordinator/group/group_partitioner.h"
#include "tests/coordinator/txn/txn_fixture.h"

namespace sluice::coordinator::testing {
namespace {

using TxnEndTest = TxnManagerTest;

TEST_F(TxnEndTest, CommitGoesThroughPrepareAndCompleteWithMarkers) {
  const auto p = init();
  clock_.advance(10);
  const std::int64_t started = clock_.now_ms();
  ASSERT_EQ(add(p, {kA0, kB0}).top_level, ErrorCode::NONE);
  EXPECT_EQ(state(), TxnState::kOngoing);
  EXPECT_EQ(txn().txn_start_timestamp, started);
  auto stored = store_.last(kTxn);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->state, TxnState::kOngoing);
  EXPECT_EQ(stored->partitions, (TopicPartitionSet{kA0, kB0}));

  // Partitions already in the transaction: answered without a write.
  const int appends = store_.appends;
  clock_.advance(10);
  const auto again = add(p, {kB0});
  EXPECT_EQ(again.top_level, ErrorCode::NONE);
  ASSERT_EQ(again.partitions.size(), 1u);
  EXPECT_EQ(again.partitions[0].second, ErrorCode::NONE);
  EXPECT_EQ(store_.appends, appends);
  ASSERT_EQ(add(p, {kA1}).top_level, ErrorCode::NONE);
  EXPECT_EQ(store_.appends, appends + 1);
  EXPECT_EQ(txn().txn_start_timestamp, started) << "the start is the first partition's";

  ASSERT_EQ(end(p, true), ErrorCode::NONE);
  EXPECT_EQ(state(), TxnState::kPrepareCommit);
  EXPECT_EQ(store_.last(kTxn)->state, TxnState::kPrepareCommit);
  ASSERT_EQ(markers_.calls.size(), 1u);
  const TxnMarkerRequest& m = markers_.calls[0].request;
  EXPECT_TRUE(m.commit);
  EXPECT_EQ(m.producer_id, p.producer_id);
  EXPECT_EQ(m.producer_epoch, p.producer_epoch);
  EXPECT_EQ(m.coordinator_epoch, kEpoch);
  EXPECT_EQ(m.partitions, (std::vector<TopicPartition>{kA0, kA1, kB0}));

  markers_.answer();
  EXPECT_EQ(state(), TxnState::kCompleteCommit);
  EXPECT_TRUE(txn().partitions.empty());
  EXPECT_FALSE(manager_->markers_pending(kTxn));
  stored = store_.last(kTxn);
  EXPECT_EQ(stored->state, TxnState::kCompleteCommit);
  EXPECT_TRUE(stored->partitions.empty());

  // Retries of the EndTxn that succeeded.
  EXPECT_EQ(end(p, true), ErrorCode::NONE);
  EXPECT_EQ(end(p, false), ErrorCode::INVALID_TXN_STATE);
  // The next transaction starts from CompleteCommit.
  clock_.advance(5);
  ASSERT_EQ(add(p, {kA0}).top_level, ErrorCode::NONE);
  EXPECT_EQ(state(), TxnState::kOngoing);
  EXPECT_EQ(txn().txn_start_timestamp, clock_.now_ms());
  EXPECT_EQ(txn().partitions, (TopicPartitionSet{kA0}));
}

TEST_F(TxnEndTest, AbortPath) {
  const auto p = init();
  ASSERT_EQ(add(p, {kA0}).top_level, ErrorCode::NONE);
  ASSERT_EQ(end(p, false), ErrorCode::NONE);
  EXPECT_EQ(state(), TxnState::kPrepareAbort);
  EXPECT_EQ(end(p, false), ErrorCode::CONCURRENT_TRANSACTIONS);
  ASSERT_EQ(markers_.calls.size(), 1u);
  EXPECT_FALSE(markers_.calls[0].request.commit);
  markers_.answer();
  EXPECT_EQ(state(), TxnState::kCompleteAbort);
  EXPECT_EQ(end(p, false), ErrorCode::NONE);
  EXPECT_EQ(end(p, true), ErrorCode::INVALID_TXN_STATE);
}

TEST_F(TxnEndTest, ConcurrentTransactionsWhileMarkersArePending) {
  const auto p = init();
  ASSERT_EQ(add(p, {kA0}).top_level, ErrorCode::NONE);
  ASSERT_EQ(end(p, true), ErrorCode::NONE);
  EXPECT_EQ(end(p, true), ErrorCode::CONCURRENT_TRANSACTIONS);
  EXPECT_EQ(end(p, false), ErrorCode::CONCURRENT_TRANSACTIONS) << "the Complete transition is pending";
  EXPECT_EQ(add(p, {kA1}).top_level, ErrorCode::CONCURRENT_TRANSACTIONS);
  EXPECT_EQ(init().error, ErrorCode::CONCURRENT_TRANSACTIONS);
  EXPECT_EQ(init(kTxn, p.producer_id, p.producer_epoch).error, ErrorCode::CONCURRENT_TRANSACTIONS);
  markers_.answer();
  EXPECT_EQ(add(p, {kA1}).top_level, ErrorCode::NONE);
}

TEST_F(TxnEndTest, ErrorsOfAddAndEnd) {
  const auto p = init();
  InitProducerIdResult wrong_id = p;
  wrong_id.producer_id += 1;
  InitProducerIdResult wrong_epoch = p;
  wrong_epoch.producer_epoch += 1;
  EXPECT_EQ(add(p, {kA0}, false, "unknown").top_level, ErrorCode::INVALID_PRODUCER_ID_MAPPING);
  EXPECT_EQ(add(wrong_id, {kA0}).top_level, ErrorCode::INVALID_PRODUCER_ID_MAPPING);
  EXPECT_EQ(add(wrong_epoch, {kA0}).top_level, ErrorCode::PRODUCER_FENCED);
  EXPECT_EQ(add(p, {kA0}, false, "").top_level, ErrorCode::INVALID_REQUEST);
  EXPECT_EQ(end(p, true, "unknown"), ErrorCode::INVALID_PRODUCER_ID_MAPPING);
  EXPECT_EQ(end(p, true, ""), ErrorCode::INVALID_REQUEST);
  EXPECT_EQ(end(wrong_id, true), ErrorCode::INVALID_PRODUCER_ID_MAPPING);
  EXPECT_EQ(end(wrong_epoch, true), ErrorCode::PRODUCER_FENCED);
  EXPECT_EQ(end(p, true), ErrorCode::INVALID_TXN_STATE) << "Empty: nothing to end";
  EXPECT_EQ(end(p, false), ErrorCode::INVALID_TXN_STATE);

  const auto r = add(p, {kA0, kB0}, false, "unknown");
  ASSERT_EQ(r.partitions.size(), 2u);
  EXPECT_EQ(r.partitions[1], std::make_pair(kB0, ErrorCode::INVALID_PRODUCER_ID_MAPPING));

  manager_->unload(manager_->partition_for(kTxn));
  EXPECT_EQ(add(p, {kA0}).top_level, ErrorCode::NOT_COORDINATOR);
  EXPECT_EQ(end(p, true), ErrorCode::NOT_COORDINATOR);
  manager_->begin_loading(manager_->partition_for(kTxn), kEpoch + 1);
  EXPECT_EQ(add(p, {kA0}).top_level, ErrorCode::COORDINATOR_LOAD_IN_PROGRESS);
  EXPECT_EQ(end(p, true), ErrorCode::COORDINATOR_LOAD_IN_PROGRESS);
}

TEST_F(TxnEndTest, FailedWritesAreMappedAndLeaveTheStateAlone) {
  const auto p = init();
  store_.fail_with = ErrorCode::KAFKA_STORAGE_ERROR;
  EXPECT_EQ(add(p, {kA0}).top_level, ErrorCode::NOT_COORDINATOR);
  EXPECT_EQ(state(), TxnState::kEmpty);
  store_.fail_with.reset();
  ASSERT_EQ(add(p, {kA0}).top_level, ErrorCode::NONE);
  store_.fail_with = ErrorCode::REQUEST_TIMED_OUT;
  EXPECT_EQ(end(p, true), ErrorCode::COORDINATOR_NOT_AVAILABLE);
  EXPECT_EQ(state(), TxnState::kOngoing);
  EXPECT_TRUE(markers_.calls.empty());
  store_.fail_with.reset();
  EXPECT_EQ(end(p, true), ErrorCode::NONE);
}

TEST_F(TxnEndTest, VerifyOnlyChecksWithoutWriting) {
  const auto p = init();
  ASSERT_EQ(add(p, {kA0}).top_level, ErrorCode::NONE);
  const int appends = store_.appends;
  const auto r = add(p, {kA0, kB0}, true);
  EXPECT_EQ(r.top_level, ErrorCode::NONE);
  ASSERT_EQ(r.partitions.size(), 2u);
  EXPECT_EQ(r.partitions[0], std::make_pair(kA0, ErrorCode::NONE));
  EXPECT_EQ(r.partitions[1], std::make_pair(kB0, ErrorCode::INVALID_TXN_STATE));
  EXPECT_EQ(store_.appends, appends);
  EXPECT_FALSE(txn().partitions.contains(kB0));

  InitProducerIdResult old = p;
  old.producer_epoch -= 1;
  EXPECT_EQ(add(old, {kA0}, true).top_level, ErrorCode::PRODUCER_FENCED);
  InitProducerIdResult other = p;
  other.producer_id += 1;
  EXPECT_EQ(add(other, {kA0}, true).top_level, ErrorCode::INVALID_PRODUCER_ID_MAPPING);
  ASSERT_EQ(end(p, true), ErrorCode::NONE);
  EXPECT_EQ(add(p, {kA0}, true).top_level, ErrorCode::CONCURRENT_TRANSACTIONS);
  markers_.answer();
  EXPECT_EQ(add(p, {kA0}, true).partitions[0].second, ErrorCode::INVALID_TXN_STATE) << "the transaction is over";
}

TEST_F(TxnEndTest, MarkersAreRetriedAndDeletedTopicsDropped) {
  const TopicPartition c0{"c", 0};
  const auto p = init();
  ASSERT_EQ(add(p, {kA0, kB0, c0}).top_level, ErrorCode::NONE);
  ASSERT_EQ(end(p, true), ErrorCode::NONE);
  markers_.answer(ErrorCode::NONE,
                  {{kA0, ErrorCode::NOT_LEADER_OR_FOLLOWER}, {c0, ErrorCode::UNKNOWN_TOPIC_OR_PARTITION}});
  EXPECT_EQ(state(), TxnState::kPrepareCommit);
  EXPECT_EQ(txn().partitions, (TopicPartitionSet{kA0})) << "written and deleted partitions leave";
  EXPECT_TRUE(markers_.calls.empty()) << "not before the backoff";
  EXPECT_EQ(manager_->earliest_deadline(), clock_.now_ms() + config_.marker_retry_backoff_ms);
  advance(config_.marker_retry_backoff_ms);
  ASSERT_EQ(markers_.calls.size(), 1u);
  EXPECT_EQ(markers_.calls[0].request.partitions, std::vector<TopicPartition>{kA0});
  markers_.answer(ErrorCode::KAFKA_STORAGE_ERROR);
  advance(config_.marker_retry_backoff_ms);
  ASSERT_EQ(markers_.calls.size(), 1u);
  markers_.answer();
  EXPECT_EQ(state(), TxnState::kCompleteCommit);
}

TEST_F(TxnEndTest, CompleteRecordIsRetriedUntilWritten) {
  const auto p = init();
  ASSERT_EQ(add(p, {kA0}).top_level, ErrorCode::NONE);
  ASSERT_EQ(end(p, false), ErrorCode::NONE);
  store_.fail_with = ErrorCode::NOT_ENOUGH_REPLICAS;
  markers_.answer();
  EXPECT_EQ(state(), TxnState::kPrepareAbort);
  EXPECT_EQ(init().error, ErrorCode::CONCURRENT_TRANSACTIONS);
  store_.fail_with.reset();
  advance(config_.marker_retry_backoff_ms);
  EXPECT_EQ(state(), TxnState::kCompleteAbort);
  EXPECT_TRUE(markers_.calls.empty()) << "the markers are not written twice";
  EXPECT_EQ(store_.last(kTxn)->state, TxnState::kCompleteAbort);
}

TEST_F(TxnEndTest, AFencedCoordinatorStopsSendingMarkers) {
  const auto p = init();
  ASSERT_EQ(add(p, {kA0}).top_level, ErrorCode::NONE);
  ASSERT_EQ(end(p, true), ErrorCode::NONE);
  markers_.answer(ErrorCode::TRANSACTION_COORDINATOR_FENCED);
  EXPECT_FALSE(manager_->markers_pending(kTxn));
  advance(10'000);
  EXPECT_TRUE(markers_.calls.empty());
  EXPECT_EQ(store_.last(kTxn)->state, TxnState::kPrepareCommit) << "the newer coordinator completes it";
}

TEST_F(TxnEndTest, AnswersAfterResignationAreIgnored) {
  const auto p = init();
  ASSERT_EQ(add(p, {kA0}).top_level, ErrorCode::NONE);
  ASSERT_EQ(end(p, true), ErrorCode::NONE);
  const int appends = store_.appends;
  manager_->unload(manager_->partition_for(kTxn));
  markers_.answer();
  EXPECT_EQ(store_.appends, appends);
  EXPECT_EQ(manager_->transaction(kTxn), nullptr);
}

}  // namespace
}  // namespace sluice::coordinator::testing
