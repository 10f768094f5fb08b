// One transactional id's state machine, as Kafka's TransactionMetadata.
#include "coordinator/txn/transaction_metadata.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace sluice::coordinator {
namespace {

using protocol::ErrorCode;
using S = TxnState;

TEST(TransactionMetadataTest, ValidPreviousStatesAreKafkas) {
  const std::vector<S> all = {S::kEmpty,          S::kOngoing,       S::kPrepareCommit, S::kPrepareAbort,
                              S::kCompleteCommit, S::kCompleteAbort, S::kDead,          S::kPrepareEpochFence};
  const std::map<S, std::set<S>> valid = {
      {S::kEmpty, {S::kEmpty, S::kCompleteCommit, S::kCompleteAbort}},
      {S::kOngoing, {S::kOngoing, S::kEmpty, S::kCompleteCommit, S::kCompleteAbort}},
      {S::kPrepareCommit, {S::kOngoing}},
      {S::kPrepareAbort, {S::kOngoing, S::kPrepareEpochFence}},
      {S::kCompleteCommit, {S::kPrepareCommit}},
      {S::kCompleteAbort, {S::kPrepareAbort}},
      {S::kDead, {S::kEmpty, S::kCompleteAbort, S::kCompleteCommit}},
      {S::kPrepareEpochFence, {S::kOngoing}},
  };
  for (S to : all) {
    for (S from : all) {
      EXPECT_EQ(is_valid_previous_state(to, from), valid.at(to).contains(from))
          << txn_state_name(from) << " -> " << txn_state_name(to);
    }
  }
}

TEST(TransactionMetadataTest, NamesAreKafkas) {
  EXPECT_EQ(txn_state_name(S::kPrepareEpochFence), "PrepareEpochFence");
  EXPECT_EQ(txn_state_from_name("CompleteCommit"), S::kCompleteCommit);
  EXPECT_EQ(txn_state_from_name("ongoing"), std::nullopt);  // case-sensitive, as Kafka
  EXPECT_EQ(txn_state_from_id(8), std::nullopt);
  EXPECT_TRUE(is_expiration_allowed(S::kCompleteAbort));
  EXPECT_FALSE(is_expiration_allowed(S::kOngoing));
}

TEST(TransactionMetadataTest, CommitCycleAndPendingState) {
  TransactionMetadata m("t", 10, 1000, 0);
  auto init = m.prepare_increment_producer_epoch(1000, std::nullopt, 1);
  ASSERT_TRUE(init.ok());
  EXPECT_EQ(init->producer_epoch, 0);
  // A second transition while one is being written is refused.
  EXPECT_EQ(m.prepare_add_partitions({{"a", 0}}, 2).code(), ErrorCode::CONCURRENT_TRANSACTIONS);
  ASSERT_TRUE(m.complete_transition(*init).ok());
  EXPECT_EQ(m.producer_epoch, 0);
  EXPECT_FALSE(m.pending_transition_in_progress());

  auto add = m.prepare_add_partitions({{"a", 0}}, 5);
  ASSERT_TRUE(add.ok());
  ASSERT_TRUE(m.complete_transition(*add).ok());
  EXPECT_EQ(m.state, S::kOngoing);
  EXPECT_EQ(m.txn_start_timestamp, 5);
  auto more = m.prepare_add_partitions({{"b", 1}}, 6);
  ASSERT_TRUE(more.ok());
  ASSERT_TRUE(m.complete_transition(*more).ok());
  EXPECT_EQ(m.txn_start_timestamp, 5) << "the transaction started with its first partition";
  EXPECT_EQ(m.partitions.size(), 2u);

  EXPECT_EQ(m.prepare_complete(7).code(), ErrorCode::INVALID_TXN_STATE) << "Ongoing cannot complete";
  auto prepare = m.prepare_abort_or_commit(S::kPrepareCommit, 7);
  ASSERT_TRUE(prepare.ok());
  ASSERT_TRUE(m.complete_transition(*prepare).ok());
  m.remove_partition({"a", 0});
  auto complete = m.prepare_complete(8);
  ASSERT_TRUE(complete.ok());
  EXPECT_EQ(complete->state, S::kCompleteCommit);
  ASSERT_TRUE(m.complete_transition(*complete).ok());
  EXPECT_TRUE(m.partitions.empty());
  EXPECT_EQ(m.txn_last_update_timestamp, 8);
}

TEST(TransactionMetadataTest, CompletingADifferentTargetFails) {
  TransactionMetadata m("t", 10, 1000, 0);
  auto init = m.prepare_increment_producer_epoch(1000, std::nullopt, 1);
  ASSERT_TRUE(init.ok());
  TxnTransit wrong = *init;
  wrong.producer_epoch = 5;  // not a bump of -1
  EXPECT_EQ(m.complete_transition(wrong).code, ErrorCode::UNKNOWN_SERVER_ERROR);
  wrong.state = S::kOngoing;  // not the pending state
  EXPECT_EQ(m.complete_transition(wrong).code, ErrorCode::UNKNOWN_SERVER_ERROR);
  EXPECT_TRUE(m.complete_transition(*init).ok());
}

TEST(TransactionMetadataTest, Kip360EpochBumps) {
  TxnTransit stored;
  stored.producer_id = 10;
  stored.producer_epoch = 4;
  stored.state = S::kCompleteCommit;
  stored.txn_start_timestamp = 1;
  TransactionMetadata m("t", stored);
  // The current epoch: bump, remembering it.
  auto bump = m.prepare_increment_producer_epoch(1000, 4, 10);
  ASSERT_TRUE(bump.ok());
  EXPECT_EQ(bump->producer_epoch, 5);
  EXPECT_EQ(bump->last_producer_epoch, 4);
  ASSERT_TRUE(m.complete_transition(*bump).ok());
  // The previous epoch: a retry of that bump, same answer.
  auto retry = m.prepare_increment_producer_epoch(1000, 4, 11);
  ASSERT_TRUE(retry.ok());
  EXPECT_EQ(retry->producer_epoch, 5);
  EXPECT_EQ(retry->last_producer_epoch, 4);
  ASSERT_TRUE(m.complete_transition(*retry).ok());
  // Anything else is a zombie.
  EXPECT_EQ(m.prepare_increment_producer_epoch(1000, 2, 12).code(), ErrorCode::PRODUCER_FENCED);
  EXPECT_FALSE(m.pending_transition_in_progress());
  // No expected epoch (a new producer instance): bump, forget the last.
  auto fresh = m.prepare_increment_producer_epoch(1000, std::nullopt, 13);
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(fresh->producer_epoch, 6);
  EXPECT_EQ(fresh->last_producer_epoch, -1);
}

TEST(TransactionMetadataTest, EpochExhaustionRotatesTheProducerId) {
  EXPECT_FALSE(TransactionMetadata::is_epoch_exhausted(32765));
  EXPECT_TRUE(TransactionMetadata::is_epoch_exhausted(32766));
  TxnTransit stored;
  stored.producer_id = 10;
  stored.producer_epoch = 32766;
  stored.state = S::kEmpty;
  TransactionMetadata m("t", stored);
  EXPECT_EQ(m.prepare_increment_producer_epoch(1000, std::nullopt, 1).code(), ErrorCode::UNKNOWN_SERVER_ERROR);
  auto rotate = m.prepare_producer_id_rotation(11, 1000, 2, true);
  ASSERT_TRUE(rotate.ok());
  EXPECT_EQ(rotate->producer_id, 11);
  EXPECT_EQ(rotate->producer_epoch, 0);
  EXPECT_EQ(rotate->last_producer_id, 10);
  EXPECT_EQ(rotate->last_producer_epoch, 32766);
  ASSERT_TRUE(m.complete_transition(*rotate).ok());
  EXPECT_EQ(m.producer_id, 11);
  EXPECT_EQ(m.last_producer_id, 10);
}

TEST(TransactionMetadataTest, FenceBumpsOnceEvenWhenRetried) {
  TxnTransit stored;
  stored.producer_id = 10;
  stored.producer_epoch = 3;
  stored.state = S::kOngoing;
  stored.partitions = {{"a", 0}};
  stored.txn_start_timestamp = 1;
  TransactionMetadata m("t", stored);
  auto fence = m.prepare_fence_producer_epoch();
  ASSERT_TRUE(fence.ok());
  EXPECT_EQ(fence->state, S::kPrepareEpochFence);
  EXPECT_EQ(fence->producer_epoch, 4);
  m.pending_state.reset();
  m.producer_epoch = 4;  // what a fence whose write failed leaves
  m.has_failed_epoch_fence = true;
  auto again = m.prepare_fence_producer_epoch();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->producer_epoch, 4);
  // PrepareEpochFence is never itself written.
  EXPECT_EQ(m.complete_transition(*again).code, ErrorCode::UNKNOWN_SERVER_ERROR);
}

}  // namespace
}  // namespace sluice::coordinator
