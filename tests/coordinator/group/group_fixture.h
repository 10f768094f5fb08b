// A GroupManager on a manual clock and an in-memory store, with helpers
// that send joins and syncs and keep their (possibly delayed) answers.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "coordinator/group/group_loader.h"
#include "coordinator/group/group_manager.h"
#include "protocol/generated/consumer_protocol_subscription.h"
#include "protocol/message_support.h"
#include "protocol/records/control_record.h"
#include "protocol/records/record_batch.h"
#include "storage/clock.h"
#include "tests/coordinator/common/pending.h"

namespace sluice::coordinator::testing {

using protocol::ErrorCode;

// A __consumer_offsets in memory: every append is a real batch (as
// OffsetsTopicStore builds it) at the partition's next offset, so a restart
// replays the batches, transaction markers included, through GroupReplay as
// a new leader reads its log. Can be told to fail.
class MemoryStore final : public GroupStore {
 public:
  protocol::Result<std::int64_t> append(std::int32_t partition, const std::vector<GroupRecord>& records) override {
    return write(partition, records, std::nullopt);
  }
  protocol::Result<std::int64_t> append_transactional(std::int32_t partition, std::int64_t producer_id,
                                                      std::int16_t producer_epoch,
                                                      const std::vector<GroupRecord>& records) override {
    return write(partition, records, BatchProducer{producer_id, producer_epoch});
  }

  // The COMMIT or ABORT marker the transaction coordinator appends.
  void write_marker(std::int32_t partition, std::int64_t producer_id, bool commit) {
    protocol::MarkerBatchOptions o;
    o.base_offset = next_offset[partition];
    o.producer_id = producer_id;
    o.producer_epoch = 0;
    o.timestamp = 0;
    auto batch =
        protocol::build_marker_batch({commit ? protocol::ControlType::kCommit : protocol::ControlType::kAbort, 0}, o);
    ASSERT_TRUE(batch.ok());
    log[partition].push_back(std::move(batch).value());
    ++next_offset[partition];
  }

  // What a new leader of `partition` loads.
  LoadedGroups replay(std::int32_t partition) const {
    GroupReplay replay;
    if (auto it = log.find(partition); it != log.end()) {
      for (const auto& bytes : it->second) {
        auto batch = protocol::RecordBatchView::parse(bytes);
        EXPECT_TRUE(batch.ok());
        if (batch.ok()) {
          EXPECT_TRUE(replay.apply(*batch).ok());
        }
      }
    }
    return std::move(replay.loaded());
  }

  // The records of the data batches, in order.
  std::vector<std::pair<std::int32_t, GroupRecord>> written;
  std::optional<ErrorCode> fail_with;
  std::map<std::int32_t, std::vector<std::vector<std::uint8_t>>> log;
  std::map<std::int32_t, std::int64_t> next_offset;

 private:
  protocol::Result<std::int64_t> write(std::int32_t partition, const std::vector<GroupRecord>& records,
                                       std::optional<BatchProducer> producer) {
    if (fail_with) return protocol::Status{*fail_with, "injected failure"};
    auto batch = build_group_batch(records, 0, producer);
    if (!batch.ok()) return batch.status();
    const std::int64_t base = next_offset[partition];
    protocol::set_base_offset(*batch, base);
    log[partition].push_back(std::move(batch).value());
    next_offset[partition] += static_cast<std::int64_t>(records.size());
    for (const auto& r : records) written.push_back({partition, r});
    return base;
  }
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
    manager_ = std::make_unique<GroupManager>(config_, store_, clock_);
    for (std::int32_t p = 0; p < config_.offsets_topic_partitions; ++p) manager_->finish_loading(p, store_.replay(p));
  }

  GroupConfig config_;
  storage::ManualClock clock_;
  MemoryStore store_;
  std::unique_ptr<GroupManager> manager_;
};

}  // namespace sluice::coordinator::testing
