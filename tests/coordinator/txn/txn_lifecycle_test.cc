// What the coordinator does on its own: timed-out transactions aborted with
// an epoch fence, idle ids expired, half-ended transactions finished after
// a restart; and what DescribeTransactions and ListTransactions report.
#include <gtest/gtest.h>

#include "tests/coordinator/txn/txn_fixture.h"

namespace sluice::coordinator::testing {
namespace {

using TxnLifecycleTest = TxnManagerTest;

TEST_F(TxnLifecycleTest, TimedOutTransactionIsAbortedAndItsProducerFenced) {
  const auto p = init(kTxn, -1, -1, 10'000);
  ASSERT_EQ(add(p, {kA0}).top_level, ErrorCode::NONE);
  clock_.advance(10'000);
  manager_->abort_timed_out_transactions();
  EXPECT_EQ(state(), TxnState::kOngoing) << "not past its timeout yet";
  clock_.advance(1);
  manager_->abort_timed_out_transactions();
  EXPECT_EQ(state(), TxnState::kPrepareAbort);
  EXPECT_EQ(txn().producer_epoch, p.producer_epoch + 1);
  EXPECT_EQ(txn().last_producer_epoch, -1);
  EXPECT_EQ(store_.last(kTxn)->producer_epoch, p.producer_epoch + 1);
  ASSERT_EQ(markers_.calls.size(), 1u);
  EXPECT_FALSE(markers_.calls[0].request.commit);
  EXPECT_EQ(markers_.calls[0].request.producer_epoch, p.producer_epoch + 1);
  // The zombie producer is fenced wherever it turns.
  EXPECT_EQ(end(p, true), ErrorCode::PRODUCER_FENCED);
  EXPECT_EQ(add(p, {kB0}).top_level, ErrorCode::PRODUCER_FENCED);
  markers_.answer();
  EXPECT_EQ(state(), TxnState::kCompleteAbort);
  EXPECT_EQ(end(p, true), ErrorCode::PRODUCER_FENCED);
  // KIP-360: the fenced producer may not bump its way back either.
  EXPECT_EQ(init(kTxn, p.producer_id, p.producer_epoch).error, ErrorCode::PRODUCER_FENCED);
}

TEST_F(TxnLifecycleTest, AFenceThatCouldNotBeWrittenIsNotBumpedTwice) {
  const auto p = init(kTxn, -1, -1, 1000);
  ASSERT_EQ(add(p, {kA0}).top_level, ErrorCode::NONE);
  clock_.advance(2000);
  store_.fail_with = ErrorCode::NOT_ENOUGH_REPLICAS;
  manager_->abort_timed_out_transactions();
  EXPECT_EQ(state(), TxnState::kOngoing);
  EXPECT_EQ(txn().producer_epoch, p.producer_epoch + 1) << "fenced in memory, never answered";
  EXPECT_TRUE(txn().has_failed_epoch_fence);
  EXPECT_FALSE(txn().pending_transition_in_progress());
  EXPECT_EQ(end(p, true), ErrorCode::PRODUCER_FENCED);
  store_.fail_with.reset();
  manager_->abort_timed_out_transactions();
  EXPECT_EQ(state(), TxnState::kPrepareAbort);
  EXPECT_EQ(txn().producer_epoch, p.producer_epoch + 1);
  markers_.answer();
  EXPECT_EQ(state(), TxnState::kCompleteAbort);
  EXPECT_FALSE(txn().has_failed_epoch_fence);
}

TEST_F(TxnLifecycleTest, PrepareCommitIsFinishedAfterARestart) {
  const auto p = init();
  ASSERT_EQ(add(p, {kA0, kB0}).top_level, ErrorCode::NONE);
  ASSERT_EQ(end(p, true), ErrorCode::NONE);
  // The broker dies before the markers are written.
  ASSERT_EQ(markers_.calls.size(), 1u);
  restart(kEpoch + 1);
  EXPECT_EQ(state(), TxnState::kPrepareCommit);
  ASSERT_EQ(markers_.calls.size(), 1u) << "the markers are written again after loading";
  const TxnMarkerRequest& m = markers_.calls[0].request;
  EXPECT_TRUE(m.commit);
  EXPECT_EQ(m.producer_id, p.producer_id);
  EXPECT_EQ(m.producer_epoch, p.producer_epoch);
  EXPECT_EQ(m.coordinator_epoch, kEpoch + 1);
  EXPECT_EQ(m.partitions, (std::vector<TopicPartition>{kA0, kB0}));
  EXPECT_EQ(end(p, true), ErrorCode::CONCURRENT_TRANSACTIONS);
  markers_.answer();
  EXPECT_EQ(state(), TxnState::kCompleteCommit);
  EXPECT_EQ(store_.last(kTxn)->state, TxnState::kCompleteCommit);
  // And the producer carries on with the same id and epoch.
  EXPECT_EQ(end(p, true), ErrorCode::NONE);
  EXPECT_EQ(add(p, {kA1}).top_level, ErrorCode::NONE);
}

TEST_F(TxnLifecycleTest, RestartKeepsIdsAndEpochs) {
  const auto p = init();
  ASSERT_EQ(add(p, {kA0}).top_level, ErrorCode::NONE);
  restart(kEpoch);
  EXPECT_EQ(state(), TxnState::kOngoing);
  EXPECT_EQ(txn().partitions, (TopicPartitionSet{kA0}));
  EXPECT_TRUE(markers_.calls.empty()) << "an Ongoing transaction waits for its producer (or its timeout)";
  ASSERT_EQ(end(p, false), ErrorCode::NONE);
  markers_.answer();
  const auto next = init();
  EXPECT_EQ(next.producer_id, p.producer_id);
  EXPECT_EQ(next.producer_epoch, p.producer_epoch + 1);
}

TEST_F(TxnLifecycleTest, IdleIdsExpire) {
  config_.transactional_id_expiration_ms = 1000;
  manager_.reset();
  ids_.requests.clear();
  start();
  const auto idle = init("idle");
  const auto busy = init("busy");
  ASSERT_EQ(add(busy, {kA0}, false, "busy").top_level, ErrorCode::NONE);
  clock_.advance(999);
  manager_->expire_transactional_ids();
  EXPECT_NE(manager_->transaction("idle"), nullptr);
  clock_.advance(1);
  manager_->expire_transactional_ids();
  EXPECT_EQ(manager_->transaction("idle"), nullptr);
  EXPECT_NE(manager_->transaction("busy"), nullptr) << "Ongoing never expires";
  EXPECT_FALSE(store_.written.back().second.value) << "a tombstone";
  EXPECT_EQ(decode_txn_key(store_.written.back().second.key).value(), "idle");
  EXPECT_EQ(manager_->describe_transactions({"idle"})[0].error, ErrorCode::TRANSACTIONAL_ID_NOT_FOUND);
  // Gone after a restart too; the id starts over with a new producer id.
  restart(kEpoch);
  EXPECT_EQ(manager_->transaction("idle"), nullptr);
  const auto again = init("idle");
  EXPECT_EQ(again.producer_epoch, 0);
  EXPECT_NE(again.producer_id, idle.producer_id);
}

TEST_F(TxnLifecycleTest, ExpiryWhoseTombstoneFailsKeepsTheId) {
  config_.transactional_id_expiration_ms = 1000;
  manager_.reset();
  ids_.requests.clear();
  start();
  init();
  clock_.advance(1000);
  store_.fail_with = ErrorCode::NOT_LEADER_OR_FOLLOWER;
  manager_->expire_transactional_ids();
  ASSERT_NE(manager_->transaction(kTxn), nullptr);
  EXPECT_FALSE(txn().pending_transition_in_progress());
  EXPECT_EQ(init().error, ErrorCode::NOT_COORDINATOR);  // still failing, but not CONCURRENT_TRANSACTIONS
}

TEST_F(TxnLifecycleTest, DescribeTransactions) {
  clock_.advance(100);
  const auto p = init();
  init("empty");
  ASSERT_EQ(add(p, {kB0, kA1, kA0}).top_level, ErrorCode::NONE);
  const std::int64_t started = clock_.now_ms();
  const std::string elsewhere = [&] {
    for (int i = 0;; ++i) {
      std::string id = "x" + std::to_string(i);
      if (manager_->partition_for(id) != manager_->partition_for(kTxn)) return id;
    }
  }();
  manager_->unload(manager_->partition_for(elsewhere));
  const auto d = manager_->describe_transactions({kTxn, "empty", "nobody", "", elsewhere});
  ASSERT_EQ(d.size(), 5u);
  EXPECT_EQ(d[0].transactional_id, kTxn);
  EXPECT_EQ(d[0].error, ErrorCode::NONE);
  EXPECT_EQ(d[0].state, "Ongoing");
  EXPECT_EQ(d[0].producer_id, p.producer_id);
  EXPECT_EQ(d[0].producer_epoch, p.producer_epoch);
  EXPECT_EQ(d[0].timeout_ms, kTimeout);
  EXPECT_EQ(d[0].start_timestamp, started);
  EXPECT_EQ(d[0].partitions, (std::vector<TopicPartition>{kA0, kA1, kB0}));
  EXPECT_EQ(d[1].state, "Empty");
  EXPECT_EQ(d[1].start_timestamp, -1);
  EXPECT_TRUE(d[1].partitions.empty());
  EXPECT_EQ(d[2].error, ErrorCode::TRANSACTIONAL_ID_NOT_FOUND);
  EXPECT_EQ(d[3].error, ErrorCode::INVALID_REQUEST);
  EXPECT_EQ(d[4].error, ErrorCode::NOT_COORDINATOR);
  manager_->begin_loading(manager_->partition_for(elsewhere), kEpoch + 1);
  EXPECT_EQ(manager_->describe_transactions({elsewhere})[0].error, ErrorCode::COORDINATOR_LOAD_IN_PROGRESS);
}

TEST_F(TxnLifecycleTest, ListTransactionsFilters) {
  const auto a = init("a");
  const auto b = init("b");
  init("c");
  ASSERT_EQ(add(a, {kA0}, false, "a").top_level, ErrorCode::NONE);
  clock_.advance(5000);
  ASSERT_EQ(add(b, {kA0}, false, "b").top_level, ErrorCode::NONE);
  ASSERT_EQ(end(b, true, "b"), ErrorCode::NONE);
  clock_.advance(1000);

  const auto names = [](const ListTxnsResult& r) {
    std::vector<std::string> out;
    for (const auto& t : r.transactions) out.push_back(t.transactional_id);
    return out;
  };
  auto all = manager_->list_transactions({}, {}, -1);
  EXPECT_EQ(all.error, ErrorCode::NONE);
  EXPECT_EQ(names(all), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(all.transactions[1].state, "PrepareCommit");
  EXPECT_EQ(all.transactions[1].producer_id, b.producer_id);

  auto ongoing = manager_->list_transactions({"Ongoing", "Bogus"}, {}, -1);
  EXPECT_EQ(names(ongoing), std::vector<std::string>{"a"});
  EXPECT_EQ(ongoing.unknown_state_filters, std::vector<std::string>{"Bogus"});
  EXPECT_EQ(names(manager_->list_transactions({"Bogus"}, {}, -1)), std::vector<std::string>{});

  EXPECT_EQ(names(manager_->list_transactions({}, {b.producer_id}, -1)), std::vector<std::string>{"b"});
  // Running longer than 2 s: "a" (6 s) but not "b" (1 s); "c" has no
  // transaction and, as in Kafka, counts as running since the epoch.
  EXPECT_EQ(names(manager_->list_transactions({}, {}, 2000)), (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(names(manager_->list_transactions({"Ongoing", "PrepareCommit"}, {}, 2000)), std::vector<std::string>{"a"});

  manager_->begin_loading(0, kEpoch + 1);
  EXPECT_EQ(manager_->list_transactions({}, {}, -1).error, ErrorCode::COORDINATOR_LOAD_IN_PROGRESS);
}

TEST_F(TxnLifecycleTest, ShutdownAnswersNotCoordinator) {
  const auto p = init();
  manager_->shutdown();
  EXPECT_EQ(init().error, ErrorCode::NOT_COORDINATOR);
  EXPECT_EQ(end(p, true), ErrorCode::NOT_COORDINATOR);
  EXPECT_EQ(add(p, {kA0}).top_level, ErrorCode::NOT_COORDINATOR);
  EXPECT_EQ(manager_->status_of(kTxn), ErrorCode::NOT_COORDINATOR);
}

}  // namespace
}  // namespace sluice::coordinator::testing
