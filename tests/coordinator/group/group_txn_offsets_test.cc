// Transactional offset commits (TxnOffsetCommit, KIP-98/KIP-447): pending
// until the transaction's marker, committed or dropped by it, reported as
// UNSTABLE_OFFSET_COMMIT to consumers that require stable offsets, and
// rebuilt from the log (markers included) by a new coordinator.
#include <gtest/gtest.h>

#include "tests/coordinator/group/group_fixture.h"

namespace sluice::coordinator {
namespace {

using testing::GroupManagerTest;

constexpr std::int64_t kProducer = 4000;
constexpr std::int64_t kOtherProducer = 4001;

PartitionOffset at(std::string topic, std::int32_t partition, std::int64_t offset) {
  return {std::move(topic), partition, offset, 2, std::string("txn-meta"), std::nullopt};
}

TxnCommitOffsetsParams txn(std::vector<PartitionOffset> offsets, std::int64_t producer = kProducer) {
  TxnCommitOffsetsParams p;
  p.group_id = GroupManagerTest::kGroup;
  p.transactional_id = "tx-" + std::to_string(producer);
  p.producer_id = producer;
  p.producer_epoch = 3;
  p.offsets = std::move(offsets);
  return p;
}

// As a v3+ producer sends it: with its consumer's group metadata.
TxnCommitOffsetsParams member_txn(std::string member, std::int32_t generation,
                                  std::optional<std::string> instance = std::nullopt) {
  TxnCommitOffsetsParams p = txn({at("t", 0, 1)});
  p.member_id = std::move(member);
  p.generation_id = generation;
  p.group_instance_id = std::move(instance);
  return p;
}

class TxnOffsetsTest : public GroupManagerTest {
 protected:
  std::int32_t offsets_partition() const { return manager_->partition_for(kGroup); }

  std::vector<ErrorCode> txn_commit(const TxnCommitOffsetsParams& p) {
    std::vector<ErrorCode> out;
    for (const auto& r : manager_->txn_commit_offsets(p)) out.push_back(r.error);
    return out;
  }

  void plain_commit(std::string topic, std::int32_t partition, std::int64_t offset) {
    CommitOffsetsParams p{kGroup, -1, "", std::nullopt, -1, {at(std::move(topic), partition, offset)}};
    ASSERT_EQ(manager_->commit_offsets(p).at(0).error, ErrorCode::NONE);
  }

  FetchedOffset fetch(const std::string& topic, std::int32_t partition, bool require_stable) const {
    FetchOffsetsParams p{kGroup, std::vector<TopicPartitions>{{topic, {partition}}}, require_stable};
    FetchOffsetsResult r = manager_->fetch_offsets(p);
    EXPECT_EQ(r.error, ErrorCode::NONE);
    return r.offsets.at(0);
  }
  std::int64_t committed(const std::string& topic, std::int32_t partition) const {
    return fetch(topic, partition, false).offset;
  }
  ErrorCode stable_error(const std::string& topic, std::int32_t partition) const {
    return fetch(topic, partition, true).error;
  }

  // The transaction coordinator's end of the transaction: the marker is
  // appended, then the group coordinator is told.
  void end_txn(std::int64_t producer, bool commit) {
    store_.write_marker(offsets_partition(), producer, commit);
    manager_->complete_transaction(offsets_partition(), producer, commit);
  }
};

TEST_F(TxnOffsetsTest, PendingOffsetsAreInvisibleUntilTheCommitMarker) {
  plain_commit("t", 0, 5);
  EXPECT_EQ(txn_commit(txn({at("t", 0, 10), at("t", 1, 20)})),
            (std::vector<ErrorCode>{ErrorCode::NONE, ErrorCode::NONE}));

  // Read committed: the last committed offset, as before the transaction.
  EXPECT_EQ(committed("t", 0), 5);
  EXPECT_EQ(committed("t", 1), -1);
  EXPECT_EQ(manager_->fetch_offsets({kGroup, std::nullopt, false}).offsets.size(), 1u);
  // KIP-447: a consumer requiring stable offsets is told to retry.
  const FetchedOffset unstable = fetch("t", 0, true);
  EXPECT_EQ(unstable.error, ErrorCode::UNSTABLE_OFFSET_COMMIT);
  EXPECT_EQ(unstable.offset, -1);
  EXPECT_EQ(stable_error("t", 1), ErrorCode::UNSTABLE_OFFSET_COMMIT);
  EXPECT_EQ(stable_error("t", 2), ErrorCode::NONE) << "not in the transaction";

  end_txn(kProducer, true);
  EXPECT_EQ(committed("t", 0), 10);
  EXPECT_EQ(committed("t", 1), 20);
  const FetchedOffset stable = fetch("t", 1, true);
  EXPECT_EQ(stable.error, ErrorCode::NONE);
  EXPECT_EQ(stable.offset, 20);
  EXPECT_EQ(stable.leader_epoch, 2);
  EXPECT_EQ(stable.metadata, "txn-meta");
}

TEST_F(TxnOffsetsTest, TheBatchIsTheProducersTransactionalBatch) {
  ASSERT_EQ(txn_commit(txn({at("t", 0, 10), at("u", 3, 7)})).at(0), ErrorCode::NONE);
  const auto& batches = store_.log[offsets_partition()];
  ASSERT_EQ(batches.size(), 1u) << "one batch for the whole commit";
  auto batch = protocol::RecordBatchView::parse(batches[0]);
  ASSERT_TRUE(batch.ok());
  EXPECT_TRUE(batch->header().is_transactional());
  EXPECT_FALSE(batch->header().is_control());
  EXPECT_EQ(batch->header().producer_id, kProducer);
  EXPECT_EQ(batch->header().producer_epoch, 3);
  EXPECT_EQ(batch->header().base_sequence, -1) << "RecordBatch.NO_SEQUENCE";
  EXPECT_EQ(batch->header().records_count, 2);
  EXPECT_TRUE(batch->crc_ok());
}

TEST_F(TxnOffsetsTest, AbortDropsPendingOffsets) {
  plain_commit("t", 0, 5);
  txn_commit(txn({at("t", 0, 10)}));
  end_txn(kProducer, false);
  EXPECT_EQ(committed("t", 0), 5);
  EXPECT_EQ(stable_error("t", 0), ErrorCode::NONE);
  end_txn(kProducer, false);  // a retried marker
  EXPECT_EQ(committed("t", 0), 5);
}

TEST_F(TxnOffsetsTest, CompletionIsIdempotentAndOnlyForThatProducerAndPartition) {
  txn_commit(txn({at("t", 0, 10)}));
  txn_commit(txn({at("t", 1, 20)}, kOtherProducer));
  // Another partition's marker of the same producer: not this group's.
  manager_->complete_transaction(offsets_partition() + 1, kProducer, true);
  EXPECT_EQ(committed("t", 0), -1);

  end_txn(kProducer, true);
  EXPECT_EQ(committed("t", 0), 10);
  EXPECT_EQ(committed("t", 1), -1) << "the other producer's transaction is still open";
  EXPECT_EQ(stable_error("t", 1), ErrorCode::UNSTABLE_OFFSET_COMMIT);

  plain_commit("t", 0, 30);
  manager_->complete_transaction(offsets_partition(), kProducer, true);  // retried
  EXPECT_EQ(committed("t", 0), 30) << "a retried marker does not bring the old offset back";
  manager_->complete_transaction(offsets_partition(), kProducer, false);
  EXPECT_EQ(committed("t", 0), 30);
}

TEST_F(TxnOffsetsTest, TheLaterWriteWinsWhateverCompletesFirst) {
  // Transaction first, plain commit after it: the plain one was written
  // later, so the transaction's commit does not replace it.
  txn_commit(txn({at("t", 0, 10)}));
  plain_commit("t", 0, 15);
  end_txn(kProducer, true);
  EXPECT_EQ(committed("t", 0), 15);

  // Plain commit first, transaction after: the transaction's offset wins.
  plain_commit("t", 1, 15);
  txn_commit(txn({at("t", 1, 10)}));
  end_txn(kProducer, true);
  EXPECT_EQ(committed("t", 1), 10);

  restart();  // the log says the same
  EXPECT_EQ(committed("t", 0), 15);
  EXPECT_EQ(committed("t", 1), 10);
}

TEST_F(TxnOffsetsTest, GroupChecks) {
  TxnCommitOffsetsParams no_id = txn({at("t", 0, 1)});
  no_id.group_id = "";
  EXPECT_EQ(txn_commit(no_id).at(0), ErrorCode::INVALID_GROUP_ID);

  manager_->begin_loading(offsets_partition());
  EXPECT_EQ(txn_commit(txn({at("t", 0, 1)})).at(0), ErrorCode::COORDINATOR_LOAD_IN_PROGRESS);
  manager_->unload(offsets_partition());
  EXPECT_EQ(txn_commit(txn({at("t", 0, 1)})).at(0), ErrorCode::NOT_COORDINATOR);
}

TEST_F(TxnOffsetsTest, AGroupThatNeverJoinedIsCreatedEmpty) {
  // The producer's consumer uses assign(): no group metadata anywhere.
  ASSERT_EQ(txn_commit(txn({at("t", 0, 10)})).at(0), ErrorCode::NONE);
  ASSERT_NE(manager_->group(kGroup), nullptr);
  EXPECT_EQ(state(), GroupState::kEmpty);
  const auto listed = manager_->list_groups({"Empty"}, {});
  ASSERT_EQ(listed.groups.size(), 1u);
  EXPECT_EQ(listed.groups[0].group_id, kGroup);
  EXPECT_EQ(manager_->describe_groups({kGroup}).at(0).state, "Empty");

  // Member information for a group that does not exist: refused, and no
  // group is left behind.
  TxnCommitOffsetsParams p = member_txn("m", 1);
  p.group_id = "nobody";
  EXPECT_EQ(txn_commit(p).at(0), ErrorCode::UNKNOWN_MEMBER_ID);
  EXPECT_EQ(manager_->group("nobody"), nullptr);
}

TEST_F(TxnOffsetsTest, MemberAndGenerationChecks) {
  std::string a;
  join_new(a);
  ASSERT_TRUE(sync(a, 1, {{a, {}}}).done());
  EXPECT_EQ(txn_commit(member_txn(a, 1)).at(0), ErrorCode::NONE);
  EXPECT_EQ(txn_commit(member_txn(a, 0)).at(0), ErrorCode::ILLEGAL_GENERATION);
  EXPECT_EQ(txn_commit(member_txn("x", 1)).at(0), ErrorCode::UNKNOWN_MEMBER_ID);
  EXPECT_EQ(txn_commit(member_txn(a, 1, "unknown-instance")).at(0), ErrorCode::UNKNOWN_MEMBER_ID);
  // v0-2 carry no member information: a producer may commit for a group
  // with members (unlike a plain OffsetCommit without a member).
  EXPECT_EQ(txn_commit(txn({at("t", 0, 2)})).at(0), ErrorCode::NONE);

  // Between JoinGroup and SyncGroup a transactional commit is accepted
  // (Kafka answers REBALANCE_IN_PROGRESS only to plain commits).
  std::string b;
  auto jb = join_new(b);
  join(join_params(a));
  ASSERT_TRUE(jb.done());
  ASSERT_EQ(state(), GroupState::kCompletingRebalance);
  EXPECT_EQ(txn_commit(member_txn(a, 2)).at(0), ErrorCode::NONE);
}

TEST_F(TxnOffsetsTest, FencedStaticMember) {
  auto j = join(join_params("", "i1"));
  ASSERT_TRUE(j.done());
  const std::string old_id = j->member_id;
  ASSERT_TRUE(sync(old_id, 1, {{old_id, {}}}, "i1").done());
  EXPECT_EQ(txn_commit(member_txn(old_id, 1, "i1")).at(0), ErrorCode::NONE);
  // The instance restarts and rejoins under a new member id.
  auto again = join(join_params("", "i1"));
  ASSERT_TRUE(again.done());
  ASSERT_NE(again->member_id, old_id);
  EXPECT_EQ(txn_commit(member_txn(old_id, 1, "i1")).at(0), ErrorCode::FENCED_INSTANCE_ID);
  EXPECT_EQ(txn_commit(member_txn(again->member_id, 1, "i1")).at(0), ErrorCode::NONE);
}

TEST_F(TxnOffsetsTest, OversizedMetadataAndFailedWrites) {
  PartitionOffset big = at("t", 0, 1);
  big.metadata = std::string(static_cast<std::size_t>(config_.offset_metadata_max_bytes) + 1, 'x');
  EXPECT_EQ(txn_commit(txn({big, at("t", 1, 2)})),
            (std::vector<ErrorCode>{ErrorCode::OFFSET_METADATA_TOO_LARGE, ErrorCode::NONE}));
  EXPECT_EQ(stable_error("t", 0), ErrorCode::NONE) << "refused: not pending";
  EXPECT_EQ(stable_error("t", 1), ErrorCode::UNSTABLE_OFFSET_COMMIT);

  // A failed append leaves nothing pending, and no group it created.
  TxnCommitOffsetsParams other = txn({at("t", 0, 3)});
  other.group_id = "other";
  store_.fail_with = ErrorCode::NOT_LEADER_OR_FOLLOWER;
  EXPECT_EQ(txn_commit(other).at(0), ErrorCode::NOT_COORDINATOR);
  EXPECT_EQ(manager_->group("other"), nullptr);
  // The log's epoch check (a fenced producer) reaches the producer as is.
  store_.fail_with = ErrorCode::INVALID_PRODUCER_EPOCH;
  EXPECT_EQ(txn_commit(txn({at("t", 2, 3)})).at(0), ErrorCode::INVALID_PRODUCER_EPOCH);
  store_.fail_with.reset();
  EXPECT_EQ(stable_error("t", 2), ErrorCode::NONE);
}

TEST_F(TxnOffsetsTest, OpenTransactionSurvivesRestart) {
  plain_commit("t", 0, 5);
  txn_commit(txn({at("t", 0, 10)}));
  restart();
  ASSERT_NE(manager_->group(kGroup), nullptr);
  EXPECT_EQ(committed("t", 0), 5);
  EXPECT_EQ(stable_error("t", 0), ErrorCode::UNSTABLE_OFFSET_COMMIT) << "still pending after the load";
  // The transaction coordinator writes the marker later.
  end_txn(kProducer, true);
  EXPECT_EQ(committed("t", 0), 10);
  EXPECT_EQ(stable_error("t", 0), ErrorCode::NONE);
}

TEST_F(TxnOffsetsTest, PendingOnlyGroupSurvivesRestart) {
  txn_commit(txn({at("t", 0, 10)}));
  restart();
  ASSERT_NE(manager_->group(kGroup), nullptr) << "a group with only pending offsets is loaded";
  EXPECT_EQ(state(), GroupState::kEmpty);
  EXPECT_EQ(stable_error("t", 0), ErrorCode::UNSTABLE_OFFSET_COMMIT);
}

TEST_F(TxnOffsetsTest, CommitMarkerInTheLogCommitsOnReplay) {
  plain_commit("t", 0, 5);
  txn_commit(txn({at("t", 0, 10), at("t", 1, 11)}));
  // The marker made it to the log, but this coordinator never heard of it
  // (it lost leadership first).
  store_.write_marker(offsets_partition(), kProducer, true);
  restart();
  EXPECT_EQ(committed("t", 0), 10);
  EXPECT_EQ(committed("t", 1), 11);
  EXPECT_EQ(stable_error("t", 0), ErrorCode::NONE);
  // The completion arriving anyway changes nothing.
  manager_->complete_transaction(offsets_partition(), kProducer, true);
  EXPECT_EQ(committed("t", 0), 10);
}

TEST_F(TxnOffsetsTest, AbortMarkerInTheLogDropsOnReplay) {
  plain_commit("t", 0, 5);
  txn_commit(txn({at("t", 0, 10)}));
  txn_commit(txn({at("t", 1, 20)}, kOtherProducer));
  store_.write_marker(offsets_partition(), kProducer, false);
  restart();
  EXPECT_EQ(committed("t", 0), 5);
  EXPECT_EQ(stable_error("t", 0), ErrorCode::NONE);
  EXPECT_EQ(stable_error("t", 1), ErrorCode::UNSTABLE_OFFSET_COMMIT) << "the other producer's marker is not there";
  end_txn(kOtherProducer, true);
  EXPECT_EQ(committed("t", 1), 20);
  restart();
  EXPECT_EQ(committed("t", 1), 20);
}

TEST_F(TxnOffsetsTest, DeletingAGroupDropsItsPendingOffsets) {
  txn_commit(txn({at("t", 0, 10)}));
  EXPECT_EQ(manager_->delete_groups({kGroup}), std::vector<ErrorCode>{ErrorCode::NONE})
      << "a group with only pending offsets exists, Empty";
  EXPECT_EQ(manager_->group(kGroup), nullptr);
  // The transaction commits afterwards: the deleted group stays deleted, now
  // and after a reload of the log.
  end_txn(kProducer, true);
  EXPECT_EQ(manager_->group(kGroup), nullptr);
  restart();
  EXPECT_EQ(manager_->group(kGroup), nullptr);
  EXPECT_EQ(committed("t", 0), -1);
}

TEST_F(TxnOffsetsTest, OffsetDeleteDropsPendingOffsetsOfThePartition) {
  plain_commit("t", 0, 5);
  txn_commit(txn({at("t", 0, 10), at("t", 1, 11)}));
  const DeleteOffsetsResult r = manager_->delete_offsets({kGroup, {{"t", {0}}}});
  ASSERT_EQ(r.error, ErrorCode::NONE);
  EXPECT_EQ(stable_error("t", 0), ErrorCode::NONE);
  end_txn(kProducer, true);
  EXPECT_EQ(committed("t", 0), -1) << "deleted with its pending offset";
  EXPECT_EQ(committed("t", 1), 11);
  restart();
  EXPECT_EQ(committed("t", 0), -1);
  EXPECT_EQ(committed("t", 1), 11);
}

TEST_F(TxnOffsetsTest, ExpiryKeepsAGroupWithPendingOffsets) {
  txn_commit(txn({at("t", 0, 10)}));
  clock_.advance(config_.offsets_retention_ms * 2);
  manager_->expire_offsets();
  ASSERT_NE(manager_->group(kGroup), nullptr);
  EXPECT_EQ(stable_error("t", 0), ErrorCode::UNSTABLE_OFFSET_COMMIT);
  // Aborted, the group holds nothing: the next expiry removes it.
  end_txn(kProducer, false);
  manager_->expire_offsets();
  EXPECT_EQ(manager_->group(kGroup), nullptr);
}

}  // namespace
}  // namespace sluice::coordinator
