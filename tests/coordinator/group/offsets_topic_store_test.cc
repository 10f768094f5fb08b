// The group coordinator on a real __consumer_offsets log: a TxnOffsetCommit
// is a transactional batch the log accepts from the coordinator, and the
// loader reads it back pending until the transaction marker that follows it.
#include "coordinator/group/offsets_topic_store.h"

#include <gtest/gtest.h>

#include "coordinator/group/group_coordinator.h"
#include "coordinator/group/group_loader.h"
#include "coordinator/group/group_manager.h"
#include "protocol/records/control_record.h"
#include "storage/clock.h"
#include "storage/log/log_manager.h"
#include "storage/partition/replica_manager.h"
#include "tests/coordinator/common/hosted_logs.h"
#include "tests/storage/storage_test_util.h"

namespace sluice::coordinator {
namespace {

using protocol::ErrorCode;

constexpr std::int64_t kProducer = 77;
constexpr std::int16_t kEpoch = 2;

class OffsetsTopicStoreTest : public testing::HostedLogsTest<storage::ManualClock> {
 protected:
  void SetUp() override {
    HostedLogsTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_TRUE(replicas_->become_leader(tp_, {1, 1}, 0, log_config_).ok());
    GroupConfig group_config;
    group_config.offsets_topic_partitions = 1;
    store_ = std::make_unique<OffsetsTopicStore>(*replicas_, clock_);
    manager_ = std::make_unique<GroupManager>(group_config, *store_, clock_);
    manager_->finish_loading(0, {});
  }
  void TearDown() override {
    manager_.reset();
    HostedLogsTest::TearDown();
  }

  ErrorCode txn_commit(std::int64_t offset, std::int16_t epoch = kEpoch) {
    TxnCommitOffsetsParams p;
    p.group_id = "g";
    p.transactional_id = "tx";
    p.producer_id = kProducer;
    p.producer_epoch = epoch;
    p.offsets = {{"t", 0, offset, -1, std::string(), std::nullopt}};
    return manager_->txn_commit_offsets(p).at(0).error;
  }

  // What the transaction coordinator appends when the transaction ends.
  void append_marker(bool commit) {
    protocol::MarkerBatchOptions o;
    o.producer_id = kProducer;
    o.producer_epoch = kEpoch;
    o.timestamp = clock_.now_ms();
    auto batch =
        protocol::build_marker_batch({commit ? protocol::ControlType::kCommit : protocol::ControlType::kAbort, 0}, o);
    ASSERT_TRUE(batch.ok());
    std::vector<storage::RecordError> errors;
    auto info = replicas_->append(tp_, *batch, storage::AppendOrigin::kCoordinator, errors);
    ASSERT_TRUE(info.ok()) << info.status().detail;
  }

  LoadedGroups load() {
    auto loaded = load_groups(*replicas_->get_partition(tp_)->log());
    EXPECT_TRUE(loaded.ok()) << loaded.status().detail;
    return loaded.ok() ? std::move(loaded).value() : LoadedGroups{};
  }

  std::unique_ptr<OffsetsTopicStore> store_;
  std::unique_ptr<GroupManager> manager_;
  const storage::TopicPartition tp_{std::string(kConsumerOffsetsTopic), 0};
};

TEST_F(OffsetsTopicStoreTest, TransactionalCommitIsPendingInTheLogUntilItsMarker) {
  CommitOffsetsParams plain{"g", -1, "", std::nullopt, -1, {{"t", 0, 5, -1, std::string(), std::nullopt}}};
  ASSERT_EQ(manager_->commit_offsets(plain).at(0).error, ErrorCode::NONE);
  ASSERT_EQ(txn_commit(10), ErrorCode::NONE);

  LoadedGroups before = load();
  EXPECT_EQ(before.offsets["g"].at({"t", 0}).value.offset, 5);
  ASSERT_TRUE(before.pending.contains(kProducer));
  EXPECT_EQ(before.pending[kProducer]["g"].at({"t", 0}).value.offset, 10);
  EXPECT_EQ(before.pending[kProducer]["g"].at({"t", 0}).batch_offset, 1) << "the second batch of the log";

  append_marker(true);
  manager_->complete_transaction(0, kProducer, true);
  LoadedGroups after = load();
  EXPECT_TRUE(after.pending.empty());
  EXPECT_EQ(after.offsets["g"].at({"t", 0}).value.offset, 10);
  FetchOffsetsParams fetch{"g", std::vector<TopicPartitions>{{"t", {0}}}, true};
  const FetchedOffset f = manager_->fetch_offsets(fetch).offsets.at(0);
  EXPECT_EQ(f.error, ErrorCode::NONE);
  EXPECT_EQ(f.offset, 10);
}

TEST_F(OffsetsTopicStoreTest, AbortMarkerDropsThePendingOffsetsOnLoad) {
  ASSERT_EQ(txn_commit(10), ErrorCode::NONE);
  append_marker(false);
  LoadedGroups loaded = load();
  EXPECT_TRUE(loaded.pending.empty());
  EXPECT_FALSE(loaded.offsets.contains("g"));
}

TEST_F(OffsetsTopicStoreTest, TheLogFencesAnOlderProducerEpoch) {
  ASSERT_EQ(txn_commit(10), ErrorCode::NONE);
  // A zombie of the same transactional id, from before its epoch was bumped.
  EXPECT_EQ(txn_commit(11, kEpoch - 1), ErrorCode::INVALID_PRODUCER_EPOCH);
  FetchOffsetsParams fetch{"g", std::vector<TopicPartitions>{{"t", {0}}}, false};
  EXPECT_EQ(manager_->fetch_offsets(fetch).offsets.at(0).offset, -1);
  append_marker(true);
  manager_->complete_transaction(0, kProducer, true);
  EXPECT_EQ(manager_->fetch_offsets(fetch).offsets.at(0).offset, 10) << "the fenced write never counted";
}

}  // namespace
}  // namespace sluice::coordinator
