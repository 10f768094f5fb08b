// KIP-345 static membership: a restarted member with the same
// group.instance.id takes its place back without a rebalance; the old
// incarnation is fenced.
#include <gtest/gtest.h>

#include "tests/coordinator/group/group_fixture.h"

namespace sluice::coordinator {
namespace {

using testing::GroupManagerTest;
using testing::subscription;

class StaticMemberTest : public GroupManagerTest {
 protected:
  // Static "i1" (leader) and dynamic b, Stable at generation 2.
  void SetUp() override {
    GroupManagerTest::SetUp();
    auto j1 = join(join_params("", "i1"));
    ASSERT_TRUE(j1.done()) << "static members skip MEMBER_ID_REQUIRED";
    s1_ = j1->member_id;
    EXPECT_EQ(s1_.rfind("i1-", 0), 0u) << "Kafka prefixes a static member's id with its instance id";
    ASSERT_TRUE(sync(s1_, 1, {{s1_, {1}}}, "i1").done());
    auto jb = join_new(b_);
    join(join_params(s1_, "i1"));
    ASSERT_TRUE(jb.done());
    auto sb = sync(b_, 2);
    ASSERT_TRUE(sync(s1_, 2, {{s1_, {0x51}}, {b_, {0xB}}}, "i1").done());
    ASSERT_TRUE(sb.done());
    ASSERT_EQ(state(), GroupState::kStable);
  }
  std::string s1_;
  std::string b_;
};

TEST_F(StaticMemberTest, RestartedStaticMemberRejoinsWithoutRebalance) {
  // The process restarts: it has no member id, only its instance id.
  auto j = join(join_params("", "i1"));
  ASSERT_TRUE(j.done());
  EXPECT_EQ(j->error, ErrorCode::NONE);
  EXPECT_EQ(j->generation_id, 2) << "same generation: no rebalance";
  EXPECT_NE(j->member_id, s1_);
  EXPECT_EQ(j->leader, j->member_id) << "it led, and still does";
  EXPECT_EQ(state(), GroupState::kStable);
  EXPECT_EQ(heartbeat(b_, 2), ErrorCode::NONE) << "the other member is not disturbed";

  auto s = sync(j->member_id, 2, {}, "i1");
  ASSERT_TRUE(s.done());
  EXPECT_EQ(s->assignment, Bytes{0x51}) << "its old assignment";

  // The old incarnation is fenced everywhere.
  EXPECT_EQ(heartbeat(s1_, 2, "i1"), ErrorCode::FENCED_INSTANCE_ID);
  EXPECT_EQ(join(join_params(s1_, "i1"))->error, ErrorCode::FENCED_INSTANCE_ID);
  EXPECT_EQ(sync(s1_, 2, {}, "i1")->error, ErrorCode::FENCED_INSTANCE_ID);
  CommitOffsetsParams commit{kGroup, 2, s1_, "i1", -1, {{"t", 0, 5, -1, std::nullopt, std::nullopt}}};
  EXPECT_EQ(manager_->commit_offsets(commit)[0].error, ErrorCode::FENCED_INSTANCE_ID);
}

TEST_F(StaticMemberTest, KIP814LeaderSkipsAssignment) {
  auto params = join_params("", "i1");
  params.supports_skip_assignment = true;
  auto j = join(params);
  ASSERT_TRUE(j.done());
  EXPECT_TRUE(j->skip_assignment);
  EXPECT_EQ(j->members.size(), 2u) << "the leader still learns the members";
}

TEST_F(StaticMemberTest, StaticMemberSurvivesMissedRebalanceUntilSessionTimeout) {
  // b leaves; the static member keeps heartbeating but does not rejoin.
  manager_->leave_group({kGroup, {{b_, std::nullopt, std::nullopt}}});
  EXPECT_EQ(state(), GroupState::kPreparingRebalance);
  for (int i = 0; i < kRebalance / 5000; ++i) {
    advance(5000);
    heartbeat(s1_, 2, "i1");
  }
  EXPECT_EQ(group().generation(), 3) << "the join phase ended at the rebalance timeout";
  EXPECT_TRUE(group().has(s1_)) << "static members are not dropped at the rebalance timeout (KIP-345)";
  advance(kSession);
  EXPECT_FALSE(group().has(s1_)) << "...but are at their session timeout";
}

TEST_F(StaticMemberTest, AdminRemovesStaticMemberByInstanceId) {
  const LeaveGroupResult r = manager_->leave_group({kGroup, {{"", std::string("i1"), std::nullopt}}});
  EXPECT_EQ(r.error, ErrorCode::NONE);
  ASSERT_EQ(r.members.size(), 1u);
  EXPECT_EQ(r.members[0].error, ErrorCode::NONE);
  EXPECT_FALSE(group().has(s1_));
  const LeaveGroupResult fenced = manager_->leave_group({kGroup, {{"wrong-id", std::string("i2"), std::nullopt}}});
  EXPECT_EQ(fenced.members[0].error, ErrorCode::UNKNOWN_MEMBER_ID);
}

TEST_F(StaticMemberTest, StaticMemberComesBackAfterBrokerRestart) {
  restart();
  ASSERT_EQ(state(), GroupState::kStable) << "replayed from the stored group metadata";
  EXPECT_EQ(group().generation(), 2);
  auto j = join(join_params("", "i1"));
  ASSERT_TRUE(j.done());
  EXPECT_EQ(j->generation_id, 2);
  EXPECT_EQ(state(), GroupState::kStable);
  auto s = sync(j->member_id, 2, {}, "i1");
  EXPECT_EQ(s->assignment, Bytes{0x51});
}

}  // namespace
}  // namespace sluice::coordinator
