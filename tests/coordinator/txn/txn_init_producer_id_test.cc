// InitProducerId as Kafka's TransactionCoordinator answers it: idempotent
// producers, transactional ids, epoch bumps, KIP-360 and fencing.
#include <gtest/gtest.h>

#include "tests/coordinator/txn/txn_fixture.h"

namespace sluice::coordinator::testing {
namespace {

using TxnInitTest = TxnManagerTest;

TEST_F(TxnInitTest, IdempotentProducersGetFreshIdsAtEpochZero) {
  const auto a = init(std::nullopt);
  const auto b = init(std::nullopt);
  EXPECT_EQ(a.error, ErrorCode::NONE);
  EXPECT_EQ(a.producer_epoch, 0);
  EXPECT_EQ(b.producer_epoch, 0);
  EXPECT_NE(a.producer_id, b.producer_id);
  // KIP-360 without a transactional id: a new id, whatever it had.
  const auto c = init(std::nullopt, a.producer_id, 0);
  EXPECT_EQ(c.error, ErrorCode::NONE);
  EXPECT_NE(c.producer_id, a.producer_id);
  EXPECT_NE(c.producer_id, b.producer_id);
  EXPECT_EQ(store_.appends, 0) << "nothing is written for idempotent producers";
}

TEST_F(TxnInitTest, MalformedRequests) {
  EXPECT_EQ(init(std::string("")).error, ErrorCode::INVALID_REQUEST);
  EXPECT_EQ(init(kTxn, 5, -1).error, ErrorCode::INVALID_REQUEST) << "an id without an epoch";
  EXPECT_EQ(init(std::nullopt, -1, 3).error, ErrorCode::INVALID_REQUEST);
  EXPECT_EQ(init(kTxn, -1, -1, 0).error, ErrorCode::INVALID_TRANSACTION_TIMEOUT);
  EXPECT_EQ(init(kTxn, -1, -1, -5).error, ErrorCode::INVALID_TRANSACTION_TIMEOUT);
  EXPECT_EQ(init(kTxn, -1, -1, 900'001).error, ErrorCode::INVALID_TRANSACTION_TIMEOUT);
  EXPECT_EQ(init(kTxn, -1, -1, 900'000).error, ErrorCode::NONE);
}

TEST_F(TxnInitTest, OwnershipErrors) {
  const std::int32_t p = manager_->partition_for(kTxn);
  manager_->unload(p);
  EXPECT_EQ(init().error, ErrorCode::NOT_COORDINATOR);
  EXPECT_EQ(manager_->status_of(kTxn), ErrorCode::NOT_COORDINATOR);
  manager_->begin_loading(p, kEpoch + 1);
  EXPECT_EQ(init().error, ErrorCode::COORDINATOR_LOAD_IN_PROGRESS);
  manager_->finish_loading(p, kEpoch, {});  // an older load: ignored
  EXPECT_EQ(manager_->status_of(kTxn), ErrorCode::COORDINATOR_LOAD_IN_PROGRESS);
  manager_->finish_loading(p, kEpoch + 1, {});
  EXPECT_EQ(init().error, ErrorCode::NONE);
}

TEST_F(TxnInitTest, NewTransactionalIdStartsAtEpochZeroAndIsWritten) {
  const auto r = init();
  ASSERT_EQ(r.error, ErrorCode::NONE);
  EXPECT_EQ(r.producer_epoch, 0);
  EXPECT_EQ(state(), TxnState::kEmpty);
  auto stored = store_.last(kTxn);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->producer_id, r.producer_id);
  EXPECT_EQ(stored->producer_epoch, 0);
  EXPECT_EQ(stored->txn_timeout_ms, kTimeout);
  EXPECT_EQ(stored->state, TxnState::kEmpty);
  EXPECT_EQ(store_.written.back().first, manager_->partition_for(kTxn));
}

TEST_F(TxnInitTest, EachNewInstanceBumpsTheEpochAndFencesTheLast) {
  const auto first = init();
  const auto second = init();
  EXPECT_EQ(second.producer_id, first.producer_id);
  EXPECT_EQ(second.producer_epoch, 1);
  EXPECT_EQ(add(first, {kA0}).top_level, ErrorCode::PRODUCER_FENCED);
  EXPECT_EQ(end(first, true), ErrorCode::PRODUCER_FENCED);
  EXPECT_EQ(add(second, {kA0}).top_level, ErrorCode::NONE);
}

TEST_F(TxnInitTest, Kip360RecoveryAndRetry) {
  const auto first = init();
  // The producer recovers with its current id and epoch: a bump.
  const auto bumped = init(kTxn, first.producer_id, first.producer_epoch);
  ASSERT_EQ(bumped.error, ErrorCode::NONE);
  EXPECT_EQ(bumped.producer_id, first.producer_id);
  EXPECT_EQ(bumped.producer_epoch, 1);
  // The response was lost: the retry gets the same answer.
  const auto retry = init(kTxn, first.producer_id, first.producer_epoch);
  ASSERT_EQ(retry.error, ErrorCode::NONE);
  EXPECT_EQ(retry.producer_epoch, 1);
  // Another producer initialized meanwhile: the old epoch is fenced.
  init();  // epoch 2, last epoch forgotten
  EXPECT_EQ(init(kTxn, first.producer_id, first.producer_epoch).error, ErrorCode::PRODUCER_FENCED);
  EXPECT_EQ(init(kTxn, first.producer_id + 100, 2).error, ErrorCode::PRODUCER_FENCED) << "someone else's id";
}

TEST_F(TxnInitTest, ExhaustedEpochRotatesTheProducerId) {
  // An id at epoch 32766 (Short.MaxValue - 1), as the log holds it.
  TxnTransit stored;
  stored.producer_id = 500;
  stored.producer_epoch = 32766;
  stored.txn_timeout_ms = kTimeout;
  stored.state = TxnState::kCompleteCommit;
  stored.txn_start_timestamp = 1;
  store_.written.push_back({manager_->partition_for(kTxn), txn_record(kTxn, stored)});
  restart(kEpoch);

  const auto r = init(kTxn, 500, 32766);
  ASSERT_EQ(r.error, ErrorCode::NONE);
  EXPECT_NE(r.producer_id, 500);
  EXPECT_EQ(r.producer_epoch, 0);
  EXPECT_EQ(txn().last_producer_id, 500);
  // A retry with the old id and exhausted epoch gets the same answer.
  const auto retry = init(kTxn, 500, 32766);
  ASSERT_EQ(retry.error, ErrorCode::NONE);
  EXPECT_EQ(retry.producer_id, r.producer_id);
  EXPECT_EQ(retry.producer_epoch, 0);
}

TEST_F(TxnInitTest, OngoingTransactionIsAbortedFirst) {
  const auto first = init();
  ASSERT_EQ(add(first, {kA0, kB0}).top_level, ErrorCode::NONE);
  // A new instance: the running transaction is aborted under a fenced epoch.
  EXPECT_EQ(init().error, ErrorCode::CONCURRENT_TRANSACTIONS);
  EXPECT_EQ(state(), TxnState::kPrepareAbort);
  EXPECT_EQ(txn().producer_epoch, 1);
  auto stored = store_.last(kTxn);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->state, TxnState::kPrepareAbort);
  EXPECT_EQ(stored->producer_epoch, 1);
  ASSERT_EQ(markers_.calls.size(), 1u);
  EXPECT_FALSE(markers_.calls[0].request.commit);
  EXPECT_EQ(markers_.calls[0].request.producer_epoch, 1);
  EXPECT_EQ(markers_.calls[0].request.coordinator_epoch, kEpoch);
  // The zombie is fenced, the new instance waits for the abort.
  EXPECT_EQ(end(first, true), ErrorCode::PRODUCER_FENCED);
  EXPECT_EQ(init().error, ErrorCode::CONCURRENT_TRANSACTIONS);
  markers_.answer();
  EXPECT_EQ(state(), TxnState::kCompleteAbort);
  const auto second = init();
  ASSERT_EQ(second.error, ErrorCode::NONE);
  EXPECT_EQ(second.producer_epoch, 2) << "bumped twice: the fence, then the new instance";
}

TEST_F(TxnInitTest, AFailedWriteIsNotAnsweredAndDoesNotStick) {
  init();
  store_.fail_with = ErrorCode::NOT_LEADER_OR_FOLLOWER;
  EXPECT_EQ(init().error, ErrorCode::NOT_COORDINATOR);
  store_.fail_with = ErrorCode::NOT_ENOUGH_REPLICAS;
  EXPECT_EQ(init().error, ErrorCode::COORDINATOR_NOT_AVAILABLE);
  store_.fail_with = ErrorCode::MESSAGE_TOO_LARGE;
  EXPECT_EQ(init().error, ErrorCode::UNKNOWN_SERVER_ERROR);
  EXPECT_EQ(txn().producer_epoch, 0);
  store_.fail_with.reset();
  const auto r = init();
  EXPECT_EQ(r.error, ErrorCode::NONE);
  EXPECT_EQ(r.producer_epoch, 1);
}

TEST_F(TxnInitTest, WaitsForABlockOfProducerIds) {
  ids_.block_size = 1;
  manager_.reset();
  ids_.requests.clear();
  start();  // block {n}, prefetching the next at once (90% of one id)
  init(std::nullopt);
  // The next block was asked for but has not come: the request waits.
  Pending<InitProducerIdResult> waiting;
  manager_->init_producer_id({kTxn, kTimeout, -1, -1}, waiting.callback());
  EXPECT_FALSE(waiting.done());
  ASSERT_FALSE(ids_.requests.empty());
  ids_.answer();
  ASSERT_TRUE(waiting.done());
  EXPECT_EQ(waiting->error, ErrorCode::NONE);
  EXPECT_EQ(waiting->producer_epoch, 0);

  // Nothing comes within producer_id_wait_ms: retriable error.
  Pending<InitProducerIdResult> timed_out;
  manager_->init_producer_id({std::nullopt, kTimeout, -1, -1}, timed_out.callback());
  EXPECT_FALSE(timed_out.done());
  EXPECT_EQ(manager_->earliest_deadline(), clock_.now_ms() + config_.producer_id_wait_ms);
  advance(config_.producer_id_wait_ms);
  ASSERT_TRUE(timed_out.done());
  EXPECT_EQ(timed_out->error, ErrorCode::COORDINATOR_LOAD_IN_PROGRESS);

  // At shutdown, waiters hear NOT_COORDINATOR.
  Pending<InitProducerIdResult> at_shutdown;
  manager_->init_producer_id({std::nullopt, kTimeout, -1, -1}, at_shutdown.callback());
  manager_->shutdown();
  ASSERT_TRUE(at_shutdown.done());
  EXPECT_EQ(at_shutdown->error, ErrorCode::NOT_COORDINATOR);
}

}  // namespace
}  // namespace sluice::coordinator::testing
