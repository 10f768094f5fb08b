// Committed offsets: who may commit, what is stored, what survives a
// restart, and what expires (offsets.retention.minutes, KIP-211).
#include <gtest/gtest.h>

#include "tests/coordinator/group/group_fixture.h"

namespace sluice::coordinator {
namespace {

using testing::GroupManagerTest;
using testing::subscription;

CommitOffsetsParams commit(std::int32_t generation, std::string member, std::vector<PartitionOffset> offsets) {
  return {GroupManagerTest::kGroup, generation, std::move(member), std::nullopt, -1, std::move(offsets)};
}

PartitionOffset at(std::string topic, std::int32_t partition, std::int64_t offset) {
  return {std::move(topic), partition, offset, 3, std::string("meta"), std::nullopt};
}

FetchOffsetsParams fetch_all() { return {GroupManagerTest::kGroup, std::nullopt, false}; }

TEST_F(GroupManagerTest, SimpleCommitByAssignUserAndFetch) {
  // assign() users commit with generation -1 and no member id.
  auto r = manager_->commit_offsets(commit(-1, "", {at("t", 0, 10), at("t", 1, 20)}));
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].error, ErrorCode::NONE);
  EXPECT_EQ(r[1].error, ErrorCode::NONE);
  EXPECT_EQ(state(), GroupState::kEmpty);
  EXPECT_FALSE(group().protocol_type()) << "a simple group has no protocol type";

  FetchOffsetsParams some{kGroup, std::vector<TopicPartitions>{{"t", {1, 7}}}, false};
  const FetchOffsetsResult f = manager_->fetch_offsets(some);
  ASSERT_EQ(f.offsets.size(), 2u);
  EXPECT_EQ(f.offsets[0].offset, 20);
  EXPECT_EQ(f.offsets[0].leader_epoch, 3);
  EXPECT_EQ(f.offsets[0].metadata, "meta");
  EXPECT_EQ(f.offsets[1].offset, -1) << "nothing committed";
  EXPECT_EQ(manager_->fetch_offsets(fetch_all()).offsets.size(), 2u);

  FetchOffsetsParams unknown{"other", std::vector<TopicPartitions>{{"t", {0}}}, false};
  EXPECT_EQ(manager_->fetch_offsets(unknown).offsets.at(0).offset, -1);
}

TEST_F(GroupManagerTest, MemberCommitsAreCheckedAgainstTheGeneration) {
  std::string a;
  join_new(a);
  ASSERT_TRUE(sync(a, 1, {{a, {}}}).done());
  EXPECT_EQ(manager_->commit_offsets(commit(1, a, {at("t", 0, 5)}))[0].error, ErrorCode::NONE);
  EXPECT_EQ(manager_->commit_offsets(commit(0, a, {at("t", 0, 6)}))[0].error, ErrorCode::ILLEGAL_GENERATION);
  EXPECT_EQ(manager_->commit_offsets(commit(1, "x", {at("t", 0, 6)}))[0].error, ErrorCode::UNKNOWN_MEMBER_ID);
  EXPECT_EQ(manager_->commit_offsets(commit(-1, "", {at("t", 0, 6)}))[0].error, ErrorCode::UNKNOWN_MEMBER_ID)
      << "only members commit for a group with members";
  EXPECT_EQ(manager_->fetch_offsets(fetch_all()).offsets.at(0).offset, 5);

  CommitOffsetsParams unknown_group{"nobody", 3, "m", std::nullopt, -1, {at("t", 0, 1)}};
  EXPECT_EQ(manager_->commit_offsets(unknown_group)[0].error, ErrorCode::ILLEGAL_GENERATION);

  // Between the JoinGroup answer and the assignment: REBALANCE_IN_PROGRESS.
  std::string b;
  auto jb = join_new(b);
  join(join_params(a));
  ASSERT_TRUE(jb.done());
  EXPECT_EQ(manager_->commit_offsets(commit(2, a, {at("t", 0, 7)}))[0].error, ErrorCode::REBALANCE_IN_PROGRESS);
}

TEST_F(GroupManagerTest, GenerationMinusOneCommitsToAnEmptyGroupWhateverTheMemberId) {
  // KAFKA-14201: an assign() consumer with group.instance.id set (or an old
  // member id) commits with generation -1; an Empty group takes it.
  std::string a;
  join_new(a);
  ASSERT_TRUE(sync(a, 1, {{a, {}}}).done());
  CommitOffsetsParams p = commit(-1, a, {at("t", 0, 4)});
  p.group_instance_id = "instance";
  EXPECT_EQ(manager_->commit_offsets(p)[0].error, ErrorCode::UNKNOWN_MEMBER_ID) << "not while it has members";
  manager_->leave_group({kGroup, {{a, std::nullopt, std::nullopt}}});
  ASSERT_EQ(state(), GroupState::kEmpty);
  EXPECT_EQ(manager_->commit_offsets(p)[0].error, ErrorCode::NONE);
  EXPECT_EQ(manager_->commit_offsets(commit(1, a, {at("t", 0, 5)}))[0].error, ErrorCode::UNKNOWN_MEMBER_ID)
      << "a generation is still checked";
  EXPECT_EQ(manager_->fetch_offsets(fetch_all()).offsets.at(0).offset, 4);
}

TEST_F(GroupManagerTest, OversizedMetadataAndFailedWrites) {
  PartitionOffset big = at("t", 0, 1);
  big.metadata = std::string(static_cast<std::size_t>(config_.offset_metadata_max_bytes) + 1, 'x');
  auto r = manager_->commit_offsets(commit(-1, "", {big, at("t", 1, 2)}));
  EXPECT_EQ(r[0].error, ErrorCode::OFFSET_METADATA_TOO_LARGE);
  EXPECT_EQ(r[1].error, ErrorCode::NONE);

  // A failed append is not acknowledged, and the offset is not visible.
  store_.fail_with = ErrorCode::KAFKA_STORAGE_ERROR;
  EXPECT_EQ(manager_->commit_offsets(commit(-1, "", {at("t", 1, 99)}))[0].error, ErrorCode::NOT_COORDINATOR);
  store_.fail_with = ErrorCode::MESSAGE_TOO_LARGE;
  EXPECT_EQ(manager_->commit_offsets(commit(-1, "", {at("t", 1, 99)}))[0].error, ErrorCode::INVALID_COMMIT_OFFSET_SIZE);
  store_.fail_with.reset();
  EXPECT_EQ(manager_->fetch_offsets(fetch_all()).offsets.at(0).offset, 2);
}

TEST_F(GroupManagerTest, FailedAssignmentWriteFailsTheSync) {
  std::string a;
  join_new(a);
  store_.fail_with = ErrorCode::MESSAGE_TOO_LARGE;  // an oversized assignment
  auto s = sync(a, 1, {{a, Bytes(100, 1)}});
  ASSERT_TRUE(s.done());
  EXPECT_EQ(s->error, ErrorCode::UNKNOWN_SERVER_ERROR);
  EXPECT_EQ(state(), GroupState::kPreparingRebalance) << "the group rebalances rather than getting stuck";
}

TEST_F(GroupManagerTest, OffsetsAndGroupsSurviveRestart) {
  std::string a;
  join_new(a);
  ASSERT_TRUE(sync(a, 1, {{a, {7}}}).done());
  ASSERT_EQ(manager_->commit_offsets(commit(1, a, {at("t", 0, 5), at("u", 2, 8)}))[0].error, ErrorCode::NONE);
  ASSERT_EQ(manager_->commit_offsets(commit(1, a, {at("t", 0, 6)}))[0].error, ErrorCode::NONE);
  restart();
  EXPECT_EQ(state(), GroupState::kStable);
  EXPECT_EQ(group().generation(), 1);
  EXPECT_EQ(group().leader_id(), a);
  const FetchOffsetsResult f = manager_->fetch_offsets(fetch_all());
  ASSERT_EQ(f.offsets.size(), 2u);
  EXPECT_EQ(f.offsets[0].offset, 6) << "the latest commit wins";
  EXPECT_EQ(f.offsets[1].offset, 8);
  // The member carries on with its generation after the restart.
  EXPECT_EQ(heartbeat(a, 1), ErrorCode::NONE);
  auto s = sync(a, 1);
  EXPECT_EQ(s->assignment, Bytes{7});
  // ...or, if it died with the broker, its session runs out.
  advance(kSession + 1);
  EXPECT_EQ(state(), GroupState::kEmpty);
}

TEST_F(GroupManagerTest, DeleteGroups) {
  std::string a;
  join_new(a);
  ASSERT_TRUE(sync(a, 1, {{a, {}}}).done());
  manager_->commit_offsets(commit(1, a, {at("t", 0, 5)}));
  EXPECT_EQ(manager_->delete_groups({kGroup, "missing"}),
            (std::vector<ErrorCode>{ErrorCode::NON_EMPTY_GROUP, ErrorCode::GROUP_ID_NOT_FOUND}));
  manager_->leave_group({kGroup, {{a, std::nullopt, std::nullopt}}});
  const std::size_t before = store_.written.size();
  EXPECT_EQ(manager_->delete_groups({kGroup}), std::vector<ErrorCode>{ErrorCode::NONE});
  EXPECT_EQ(manager_->group(kGroup), nullptr);
  // An offset tombstone and a group tombstone.
  ASSERT_EQ(store_.written.size(), before + 2);
  EXPECT_FALSE(store_.written[before].second.value);
  EXPECT_FALSE(store_.written[before + 1].second.value);
  restart();
  EXPECT_EQ(manager_->group(kGroup), nullptr) << "deleted for good";
  EXPECT_EQ(manager_->describe_groups({kGroup}).at(0).state, "Dead");
}

TEST_F(GroupManagerTest, OffsetDeleteRefusesSubscribedTopics) {
  std::string a;
  join_new(a, {"t"});
  ASSERT_TRUE(sync(a, 1, {{a, {}}}).done());
  manager_->commit_offsets(commit(1, a, {at("t", 0, 5), at("old", 0, 9)}));
  const DeleteOffsetsResult r = manager_->delete_offsets({kGroup, {{"t", {0}}, {"old", {0}}}});
  EXPECT_EQ(r.error, ErrorCode::NONE);
  ASSERT_EQ(r.partitions.size(), 2u);
  EXPECT_EQ(r.partitions[0].error, ErrorCode::GROUP_SUBSCRIBED_TO_TOPIC);
  EXPECT_EQ(r.partitions[1].error, ErrorCode::NONE);
  EXPECT_EQ(manager_->fetch_offsets(fetch_all()).offsets.size(), 1u);
  EXPECT_EQ(manager_->delete_offsets({"missing", {{"t", {0}}}}).error, ErrorCode::GROUP_ID_NOT_FOUND);
}

TEST_F(GroupManagerTest, SimpleGroupOffsetsExpireAfterRetention) {
  manager_->commit_offsets(commit(-1, "", {at("t", 0, 5)}));
  clock_.advance(config_.offsets_retention_ms - 1);
  manager_->commit_offsets(commit(-1, "", {at("t", 1, 6)}));
  clock_.advance(1);
  manager_->expire_offsets();
  EXPECT_EQ(manager_->fetch_offsets(fetch_all()).offsets.size(), 1u) << "t-0 expired, t-1 is fresh";
  clock_.advance(config_.offsets_retention_ms);
  manager_->expire_offsets();
  EXPECT_EQ(manager_->group(kGroup), nullptr) << "no offsets and no members: the group goes";
  restart();
  EXPECT_EQ(manager_->group(kGroup), nullptr) << "tombstones made it permanent";
}

TEST_F(GroupManagerTest, EmptyConsumerGroupOffsetsAgeFromWhenItEmptied) {
  std::string a;
  join_new(a);
  ASSERT_TRUE(sync(a, 1, {{a, {}}}).done());
  manager_->commit_offsets(commit(1, a, {at("t", 0, 5)}));
  clock_.advance(config_.offsets_retention_ms * 2);
  EXPECT_EQ(heartbeat(a, 1), ErrorCode::NONE);
  manager_->expire_offsets();
  EXPECT_EQ(manager_->fetch_offsets(fetch_all()).offsets.size(), 1u) << "a Stable group reading t keeps them";
  manager_->leave_group({kGroup, {{a, std::nullopt, std::nullopt}}});
  clock_.advance(config_.offsets_retention_ms - 1);
  manager_->expire_offsets();
  EXPECT_EQ(manager_->fetch_offsets(fetch_all()).offsets.size(), 1u);
  clock_.advance(1);
  manager_->expire_offsets();
  EXPECT_EQ(manager_->group(kGroup), nullptr);
}

TEST_F(GroupManagerTest, RetentionTimeFromOldCommitVersions) {
  CommitOffsetsParams p = commit(-1, "", {at("t", 0, 5)});
  p.retention_time_ms = 1000;  // OffsetCommit v2-v4
  manager_->commit_offsets(p);
  clock_.advance(1000);
  manager_->expire_offsets();
  EXPECT_EQ(manager_->group(kGroup), nullptr);
}

TEST_F(GroupManagerTest, ListAndDescribeGroups) {
  std::string a;
  join_new(a);
  ASSERT_TRUE(sync(a, 1, {{a, {9}}}).done());
  CommitOffsetsParams simple{"simple", -1, "", std::nullopt, -1, {at("t", 0, 1)}};
  manager_->commit_offsets(simple);

  ListGroupsResult all = manager_->list_groups({}, {});
  EXPECT_EQ(all.error, ErrorCode::NONE);
  ASSERT_EQ(all.groups.size(), 2u);
  ListGroupsResult stable = manager_->list_groups({"stable"}, {});  // case-insensitive
  ASSERT_EQ(stable.groups.size(), 1u);
  EXPECT_EQ(stable.groups[0].group_id, kGroup);
  EXPECT_EQ(stable.groups[0].protocol_type, "consumer");
  EXPECT_EQ(manager_->list_groups({}, {"consumer"}).groups.size(), 0u) << "classic groups only";
  EXPECT_EQ(manager_->list_groups({}, {"Classic"}).groups.size(), 2u);

  const auto described = manager_->describe_groups({kGroup, "simple", "nope", ""});
  ASSERT_EQ(described.size(), 4u);
  EXPECT_EQ(described[0].state, "Stable");
  EXPECT_EQ(described[0].protocol_data, "range");
  ASSERT_EQ(described[0].members.size(), 1u);
  EXPECT_EQ(described[0].members[0].assignment, Bytes{9});
  EXPECT_EQ(described[0].members[0].client_host, "/127.0.0.1");
  EXPECT_EQ(described[1].state, "Empty");
  EXPECT_EQ(described[2].state, "Dead");
  EXPECT_EQ(described[2].error, ErrorCode::NONE);
}

}  // namespace
}  // namespace sluice::coordinator
