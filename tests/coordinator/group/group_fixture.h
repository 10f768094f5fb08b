// A GroupManager on a manual clock and an in-memory store, with helpers
// that send joins and syncs and keep their (possibly delayed) answers.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "coordinator/group/group_loader.h"
#include "coordinator/group/group_manager.h"
#include "protocol/generated/consumer_protocol_subscription.h"
#include "protocol/message_support.h"
#include "storage/clock.h"

namespace sluice::coordinator::testing {

using protocol::ErrorCode;

// Keeps every appended batch; can be told to fail.
class MemoryStore final : public GroupStore {
 public:
  protocol::Status append(std::int32_t partition, const std::vector<GroupRecord>& records) override {
    if (fail_with) return {*fail_with, "injected failure"};
    for (const auto& r : records) written.push_back({partition, r});
    return {};
  }
  std::vector<std::pair<std::int32_t, GroupRecord>> written;
  std::optional<ErrorCode> fail_with;
};

// A request's answer once it comes.
template <class T>
struct Pending {
  std::shared_ptr<std::optional<T>> result = std::make_shared<std::optional<T>>();
  std::function<void(T)> callback() {
    return [r = result](T value) { *r = std::move(value); };
  }
  bool done() const { return result->has_value(); }
  const T& operator*() const { return **result; }
  const T* operator->() const { return &**result; }
};

// ConsumerProtocolSubscription metadata, version 0, for `topics`.
inline Bytes subscription(const std::vector<std::string>& topics) {
  protocol::ConsumerProtocolSubscription s;
  s.topics = topics;
  Bytes out{0, 0};
  (void)protocol::encode_into(s, 0, out);
  return out;
}

class GroupManagerTest : public ::testing::Test {
 public:
  static constexpr std::int32_t kSession = 10'000;
  static constexpr std::int32_t kRebalance = 30'000;
  static constexpr const char* kGroup = "g";

 protected:
  GroupManagerTest() { config_.initial_rebalance_delay_ms = 0; }

  void SetUp() override { start(); }

  void start() {
    manager_ = std::make_unique<GroupManager>(config_, store_, clock_);
    for (std::int32_t p = 0; p < config_.offsets_topic_partitions; ++p) manager_->finish_loading(p, {});
  }

  JoinGroupParams join_params(const std::string& member_id, std::optional<std::string> instance = std::nullopt,
                              std::vector<std::string> topics = {"t"}) {
    JoinGroupParams p;
    p.group_id = kGroup;
    p.member_id = member_id;
    p.group_instance_id = std::move(instance);
    p.protocol_type = "consumer";
    p.protocols = {{"range", subscription(topics)}};
    p.session_timeout_ms = kSession;
    p.rebalance_timeout_ms = kRebalance;
    p.client_id = "client";
    p.client_host = "/127.0.0.1";
    p.require_known_member_id = true;
    return p;
  }

  Pending<JoinGroupResult> join(JoinGroupParams p) {
    Pending<JoinGroupResult> r;
    manager_->join_group(std::move(p), r.callback());
    // The coordinator thread fires due timers right after each request
    // (an initial delay of 0 ends the join phase then).
    manager_->tick();
    return r;
  }

  // A new dynamic member's two joins (KIP-394); returns the second's pending answer.
  Pending<JoinGroupResult> join_new(std::string& member_id, std::vector<std::string> topics = {"t"}) {
    auto first = join(join_params("", std::nullopt, topics));
    EXPECT_TRUE(first.done());
    EXPECT_EQ(first->error, ErrorCode::MEMBER_ID_REQUIRED);
    member_id = first->member_id;
    return join(join_params(member_id, std::nullopt, topics));
  }

  Pending<SyncGroupResult> sync(const std::string& member_id, std::int32_t generation,
                                std::vector<std::pair<std::string, Bytes>> assignments = {},
                                std::optional<std::string> instance = std::nullopt) {
    SyncGroupParams p;
    p.group_id = kGroup;
    p.generation_id = generation;
    p.member_id = member_id;
    p.group_instance_id = std::move(instance);
    p.assignments = std::move(assignments);
    Pending<SyncGroupResult> r;
    manager_->sync_group(std::move(p), r.callback());
    return r;
  }

  ErrorCode heartbeat(const std::string& member_id, std::int32_t generation,
                      std::optional<std::string> instance = std::nullopt) {
    return manager_->heartbeat({kGroup, generation, member_id, std::move(instance)});
  }

  // Two dynamic members, Stable at generation 2: `a` leads, `b` follows.
  void stable_pair(std::string& a, std::string& b) {
    join_new(a);
    ASSERT_TRUE(sync(a, 1, {{a, {}}}).done());
    auto jb = join_new(b);
    join(join_params(a));
    ASSERT_TRUE(jb.done());
    auto sb = sync(b, 2);
    ASSERT_TRUE(sync(a, 2, {{a, {1}}, {b, {2}}}).done());
    ASSERT_TRUE(sb.done());
    ASSERT_EQ(state(), GroupState::kStable);
  }

  // Moves time and fires what is due.
  void advance(std::int64_t ms) {
    clock_.advance(ms);
    manager_->tick();
  }

  const ClassicGroup& group() const { return *manager_->group(kGroup); }
  GroupState state() const { return group().state(); }

  // Replays what the store holds into a fresh manager (a broker restart).
  void restart() {
    LoadedGroups loaded;
    for (const auto& [partition, r] : store_.written) {
      std::optional<std::span<const std::uint8_t>> value;
      if (r.value) value = *r.value;
      replay_group_record(loaded, r.key, value);
    }
    manager_ = std::make_unique<GroupManager>(config_, store_, clock_);
    const std::int32_t partition = manager_->partition_for(kGroup);
    for (std::int32_t p = 0; p < config_.offsets_topic_partitions; ++p) {
      manager_->finish_loading(p, p == partition ? std::move(loaded) : LoadedGroups{});
    }
  }

  GroupConfig config_;
  storage::ManualClock clock_;
  MemoryStore store_;
  std::unique_ptr<GroupManager> manager_;
};

}  // namespace sluice::coordinator::testing
