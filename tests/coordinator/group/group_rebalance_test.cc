// The classic rebalance protocol on an injected clock: join, sync and
// heartbeat timelines as Kafka's GroupCoordinator runs them.
#include <gtest/gtest.h>

#include "tests/coordinator/group/group_fixture.h"

namespace sluice::coordinator {
namespace {

using testing::GroupManagerTest;
using testing::Pending;
using testing::subscription;

TEST_F(GroupManagerTest, FirstJoinWithoutMemberIdGetsMemberIdRequired) {
  // KIP-394: the id comes back with MEMBER_ID_REQUIRED; nothing joined yet.
  auto first = join(join_params(""));
  ASSERT_TRUE(first.done());
  EXPECT_EQ(first->error, ErrorCode::MEMBER_ID_REQUIRED);
  EXPECT_EQ(first->member_id.rfind("client-", 0), 0u) << first->member_id;
  EXPECT_EQ(group().size(), 0u);
  // Old clients (JoinGroup v0-v3) join at once.
  auto params = join_params("");
  params.require_known_member_id = false;
  auto old = join(params);
  ASSERT_TRUE(old.done());
  EXPECT_EQ(old->error, ErrorCode::NONE);
  EXPECT_EQ(old->generation_id, 1);
}

TEST_F(GroupManagerTest, JoinSyncHeartbeatTimeline) {
  std::string a;
  auto ja = join_new(a);
  ASSERT_TRUE(ja.done()) << "initial delay 0: the join phase ends at once";
  EXPECT_EQ(ja->error, ErrorCode::NONE);
  EXPECT_EQ(ja->generation_id, 1);
  EXPECT_EQ(ja->leader, a);
  EXPECT_EQ(ja->protocol_name, "range");
  ASSERT_EQ(ja->members.size(), 1u);
  EXPECT_EQ(state(), GroupState::kCompletingRebalance);
  EXPECT_EQ(heartbeat(a, 1), ErrorCode::NONE);

  auto sa = sync(a, 1, {{a, {1, 2, 3}}});
  ASSERT_TRUE(sa.done());
  EXPECT_EQ(sa->error, ErrorCode::NONE);
  EXPECT_EQ(sa->assignment, (Bytes{1, 2, 3}));
  EXPECT_EQ(state(), GroupState::kStable);
  EXPECT_FALSE(store_.written.empty()) << "the assignment is stored before the answer";

  // Heartbeats keep it alive well past one session timeout.
  for (int i = 0; i < 5; ++i) {
    advance(kSession / 2);
    EXPECT_EQ(heartbeat(a, 1), ErrorCode::NONE);
  }
  EXPECT_EQ(heartbeat(a, 0), ErrorCode::ILLEGAL_GENERATION);
  EXPECT_EQ(heartbeat("nobody", 1), ErrorCode::UNKNOWN_MEMBER_ID);
  EXPECT_EQ(state(), GroupState::kStable);
}

TEST_F(GroupManagerTest, InitialRebalanceDelayWaitsForMoreMembers) {
  config_.initial_rebalance_delay_ms = 3000;
  start();
  std::string a, b;
  auto ja = join_new(a);
  EXPECT_FALSE(ja.done());
  advance(2000);
  auto jb = join_new(b);  // extends the delay by another 3 s
  advance(1500);
  EXPECT_FALSE(ja.done()) << "a new member arrived during the delay";
  advance(3000);
  ASSERT_TRUE(ja.done());
  ASSERT_TRUE(jb.done());
  EXPECT_EQ(ja->generation_id, 1);
  EXPECT_EQ(jb->generation_id, 1);
  const auto& leader = ja->leader == a ? ja : jb;
  EXPECT_EQ(leader->members.size(), 2u);
}

TEST_F(GroupManagerTest, SecondMemberTriggersRebalanceAndFollowerWaitsForLeader) {
  std::string a, b;
  auto ja = join_new(a);
  ASSERT_TRUE(sync(a, 1, {{a, {1}}}).done());
  ASSERT_EQ(state(), GroupState::kStable);

  auto jb = join_new(b);
  EXPECT_FALSE(jb.done());
  EXPECT_EQ(state(), GroupState::kPreparingRebalance);
  EXPECT_EQ(heartbeat(a, 1), ErrorCode::REBALANCE_IN_PROGRESS) << "how a member learns it must rejoin";
  auto ja2 = join(join_params(a));
  ASSERT_TRUE(ja2.done());
  ASSERT_TRUE(jb.done());
  EXPECT_EQ(ja2->generation_id, 2);
  EXPECT_EQ(jb->generation_id, 2);
  EXPECT_EQ(ja2->leader, a);
  EXPECT_EQ(ja2->members.size(), 2u) << "the leader gets every member's metadata";
  EXPECT_TRUE(jb->members.empty()) << "followers get none";

  auto sb = sync(b, 2);
  EXPECT_FALSE(sb.done()) << "the follower waits for the leader's assignment";
  EXPECT_EQ(sync(b, 1).result->value().error, ErrorCode::ILLEGAL_GENERATION);
  auto sa = sync(a, 2, {{a, {0xA}}, {b, {0xB}}});
  ASSERT_TRUE(sa.done());
  ASSERT_TRUE(sb.done());
  EXPECT_EQ(sa->assignment, Bytes{0xA});
  EXPECT_EQ(sb->assignment, Bytes{0xB});
  EXPECT_EQ(state(), GroupState::kStable);
}

TEST_F(GroupManagerTest, SessionExpiryRemovesSilentMemberAndRebalances) {
  std::string a, b;
  stable_pair(a, b);

  // b goes silent; a keeps heartbeating.
  for (int i = 0; i < 3; ++i) {
    advance(kSession / 3);
    EXPECT_EQ(heartbeat(a, 2), ErrorCode::NONE);
  }
  advance(kSession / 3);
  EXPECT_FALSE(group().has(b)) << "b's session timed out";
  EXPECT_EQ(state(), GroupState::kPreparingRebalance);
  EXPECT_EQ(heartbeat(a, 2), ErrorCode::REBALANCE_IN_PROGRESS);
  auto ja3 = join(join_params(a));
  ASSERT_TRUE(ja3.done());
  EXPECT_EQ(ja3->generation_id, 3);
  EXPECT_EQ(ja3->members.size(), 1u);
  EXPECT_EQ(heartbeat(b, 3), ErrorCode::UNKNOWN_MEMBER_ID);
}

TEST_F(GroupManagerTest, MemberThatDoesNotRejoinIsDroppedAtRebalanceTimeout) {
  std::string a, b, c;
  stable_pair(a, b);

  auto jc = join_new(c);
  auto ja = join(join_params(a));
  // b heartbeats (learning of the rebalance) but never rejoins.
  for (int i = 0; i < 5; ++i) {
    advance(kRebalance / 5 - 1);
    heartbeat(b, 2);
  }
  EXPECT_FALSE(jc.done());
  advance(10);
  ASSERT_TRUE(jc.done());
  ASSERT_TRUE(ja.done());
  EXPECT_EQ(ja->generation_id, 3);
  EXPECT_FALSE(group().has(b));
  EXPECT_EQ(group().size(), 2u);
}

TEST_F(GroupManagerTest, LeaderLeavingMidRebalanceHandsLeadershipToAJoinedMember) {
  std::string a, b, c;
  stable_pair(a, b);
  ASSERT_EQ(group().leader_id(), a);

  auto jc = join_new(c);
  auto jb2 = join(join_params(b));
  EXPECT_FALSE(jc.done());
  // The leader leaves instead of rejoining.
  LeaveGroupParams leave{kGroup, {{a, std::nullopt, std::string("shutting down")}}};
  const LeaveGroupResult left = manager_->leave_group(leave);
  EXPECT_EQ(left.error, ErrorCode::NONE);
  ASSERT_EQ(left.members.size(), 1u);
  EXPECT_EQ(left.members[0].error, ErrorCode::NONE);
  ASSERT_TRUE(jc.done());
  ASSERT_TRUE(jb2.done());
  EXPECT_EQ(jc->generation_id, 3);
  const std::string leader = jc->leader;
  EXPECT_TRUE(leader == b || leader == c) << leader;
  const auto& leader_join = leader == b ? jb2 : jc;
  EXPECT_EQ(leader_join->members.size(), 2u);
}

TEST_F(GroupManagerTest, LastMemberLeavingEmptiesTheGroup) {
  std::string a;
  join_new(a);
  ASSERT_TRUE(sync(a, 1, {{a, {}}}).done());
  const LeaveGroupResult left = manager_->leave_group({kGroup, {{a, std::nullopt, std::nullopt}}});
  EXPECT_EQ(left.members[0].error, ErrorCode::NONE);
  EXPECT_EQ(state(), GroupState::kEmpty);
  EXPECT_EQ(group().generation(), 2);
  // Leaving again, or as a stranger: UNKNOWN_MEMBER_ID for that member.
  const LeaveGroupResult again = manager_->leave_group({kGroup, {{a, std::nullopt, std::nullopt}}});
  EXPECT_EQ(again.members[0].error, ErrorCode::UNKNOWN_MEMBER_ID);
}

TEST_F(GroupManagerTest, FollowerThatNeverSyncsIsRemovedAfterTheRebalanceTimeout) {
  std::string a;
  join_new(a);
  ASSERT_TRUE(sync(a, 1, {{a, {}}}).done());
  // b's session outlasts the rebalance timeout: the sync deadline removes it.
  auto params = join_params("");
  params.session_timeout_ms = 2 * kRebalance;
  const std::string b = join(params)->member_id;
  params.member_id = b;
  auto jb = join(params);
  join(join_params(a));
  ASSERT_TRUE(jb.done());
  ASSERT_TRUE(sync(a, 2, {}).done());  // b never syncs
  EXPECT_EQ(state(), GroupState::kStable);
  for (int i = 0; i < kRebalance / 5000 - 1; ++i) {
    advance(5000);
    EXPECT_EQ(heartbeat(a, 2), ErrorCode::NONE);
  }
  EXPECT_TRUE(group().has(b));
  advance(5000);
  EXPECT_FALSE(group().has(b));
  EXPECT_EQ(state(), GroupState::kPreparingRebalance);
}

TEST_F(GroupManagerTest, CooperativeRebalanceRunsTwoGenerations) {
  // cooperative-sticky: after a rebalance that revokes partitions, the
  // members rejoin at once with their new owned partitions; the coordinator
  // runs a second rebalance and relays both assignments unchanged.
  auto coop = [&](const std::string& id, std::vector<std::string> topics) {
    auto p = join_params(id, std::nullopt, topics);
    p.protocols = {{"cooperative-sticky", subscription(topics)}};
    return p;
  };
  auto first = join(coop("", {"t"}));
  const std::string a = first->member_id;
  join(coop(a, {"t"}));
  ASSERT_TRUE(sync(a, 1, {{a, {1}}}).done());

  auto fb = join(coop("", {"t"}));
  const std::string b = fb->member_id;
  auto jb = join(coop(b, {"t"}));
  auto ja = join(coop(a, {"t"}));
  ASSERT_TRUE(jb.done());
  EXPECT_EQ(ja->protocol_name, "cooperative-sticky");
  auto sb = sync(b, 2);
  ASSERT_TRUE(sync(a, 2, {{a, {2}}, {b, {}}}).done());  // phase one: a revokes
  ASSERT_TRUE(sb.done());
  EXPECT_EQ(state(), GroupState::kStable);

  // Phase two: a rejoins with changed metadata (fewer owned partitions).
  auto changed = coop(a, {"t"});
  changed.protocols[0].metadata.push_back(0);
  auto ja3 = join(changed);
  EXPECT_EQ(state(), GroupState::kPreparingRebalance);
  EXPECT_EQ(heartbeat(b, 2), ErrorCode::REBALANCE_IN_PROGRESS);
  auto jb3 = join(coop(b, {"t"}));
  ASSERT_TRUE(ja3.done());
  ASSERT_TRUE(jb3.done());
  EXPECT_EQ(ja3->generation_id, 3);
  auto sb3 = sync(b, 3);
  ASSERT_TRUE(sync(a, 3, {{a, {3}}, {b, {4}}}).done());
  ASSERT_TRUE(sb3.done());
  EXPECT_EQ(sb3->assignment, Bytes{4});
}

TEST_F(GroupManagerTest, ProtocolSelectionPicksOneEveryMemberSupports) {
  auto p1 = join_params("");
  p1.require_known_member_id = false;
  p1.protocols = {{"range", {1}}, {"roundrobin", {2}}};
  auto j1 = join(p1);
  auto p2 = join_params("");
  p2.require_known_member_id = false;
  p2.protocols = {{"roundrobin", {3}}, {"sticky", {4}}};
  auto j2 = join(p2);  // rebalance: needs j1 to rejoin
  auto again = p1;
  again.member_id = j1->member_id;
  auto j1b = join(again);
  ASSERT_TRUE(j2.done());
  EXPECT_EQ(j2->protocol_name, "roundrobin");

  auto p3 = join_params("");
  p3.require_known_member_id = false;
  p3.protocols = {{"sticky", {5}}};
  EXPECT_EQ(join(p3)->error, ErrorCode::INCONSISTENT_GROUP_PROTOCOL);
  auto p4 = join_params("");
  p4.protocol_type = "connect";
  EXPECT_EQ(join(p4)->error, ErrorCode::INCONSISTENT_GROUP_PROTOCOL);
}

TEST_F(GroupManagerTest, BadRequestsGetKafkaErrors) {
  auto empty_id = join_params("");
  empty_id.group_id = "";
  EXPECT_EQ(join(empty_id)->error, ErrorCode::INVALID_GROUP_ID);
  auto short_session = join_params("");
  short_session.session_timeout_ms = config_.min_session_timeout_ms - 1;
  EXPECT_EQ(join(short_session)->error, ErrorCode::INVALID_SESSION_TIMEOUT);
  auto long_session = join_params("");
  long_session.session_timeout_ms = config_.max_session_timeout_ms + 1;
  EXPECT_EQ(join(long_session)->error, ErrorCode::INVALID_SESSION_TIMEOUT);
  EXPECT_EQ(join(join_params("stranger"))->error, ErrorCode::UNKNOWN_MEMBER_ID);
  EXPECT_EQ(sync("stranger", 1).result->value().error, ErrorCode::UNKNOWN_MEMBER_ID);
  EXPECT_EQ(manager_->heartbeat({"", 1, "m", std::nullopt}), ErrorCode::INVALID_GROUP_ID);
  EXPECT_EQ(manager_->heartbeat({"nope", 1, "m", std::nullopt}), ErrorCode::UNKNOWN_MEMBER_ID);

  std::string a;
  join_new(a);
  ASSERT_TRUE(sync(a, 1, {{a, {}}}).done());
  std::string b;
  join_new(b);  // PreparingRebalance
  EXPECT_EQ(sync(a, 1).result->value().error, ErrorCode::REBALANCE_IN_PROGRESS);
}

TEST_F(GroupManagerTest, GroupMaxSize) {
  config_.max_size = 1;
  start();
  std::string a;
  join_new(a);
  ASSERT_TRUE(sync(a, 1, {{a, {}}}).done());
  auto params = join_params("");
  params.require_known_member_id = false;
  EXPECT_EQ(join(params)->error, ErrorCode::GROUP_MAX_SIZE_REACHED);
  EXPECT_EQ(group().size(), 1u);
}

TEST_F(GroupManagerTest, CoordinatorStatus) {
  auto m = std::make_unique<GroupManager>(config_, store_, clock_);
  EXPECT_EQ(m->status_of(kGroup), ErrorCode::NOT_COORDINATOR);
  const std::int32_t p = m->partition_for(kGroup);
  m->begin_loading(p);
  EXPECT_EQ(m->status_of(kGroup), ErrorCode::COORDINATOR_LOAD_IN_PROGRESS);
  Pending<JoinGroupResult> r;
  m->join_group(join_params(""), r.callback());
  EXPECT_EQ(r->error, ErrorCode::COORDINATOR_LOAD_IN_PROGRESS);
  m->finish_loading(p, {});
  EXPECT_EQ(m->status_of(kGroup), ErrorCode::NONE);
  m->unload(p);
  EXPECT_EQ(m->status_of(kGroup), ErrorCode::NOT_COORDINATOR);
}

TEST_F(GroupManagerTest, WaitingRequestsAreAnsweredOnShutdown) {
  config_.initial_rebalance_delay_ms = 3000;
  start();
  std::string a;
  auto ja = join_new(a);
  EXPECT_FALSE(ja.done());
  manager_->shutdown();
  ASSERT_TRUE(ja.done());
  EXPECT_EQ(ja->error, ErrorCode::NOT_COORDINATOR);
}

}  // namespace
}  // namespace sluice::coordinator
