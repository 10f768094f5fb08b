// Start-up, restart, listeners and ordering of the single-node controller.
#include "coordinator/controller/controller.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "tests/coordinator/controller/controller_fixture.h"

namespace sluice::coordinator {
namespace {

using protocol::ErrorCode;
using testing::ControllerTest;
using testing::kBroker;
using testing::kTopic;
using testing::read_batches;

template <class M>
const M& as(const VersionedRecord& r) {
  return std::get<M>(r.record);
}

TEST_F(ControllerTest, FirstStartWritesBootstrapRecordsAndRegistersTheBroker) {
  auto batches = read_batches(*log_);
  ASSERT_EQ(batches.size(), 3u);

  // Kafka 3.9's bootstrap: a metadata transaction around metadata.version
  // 3.9-IV0 and the ZK migration state NONE.
  const auto& bootstrap = batches[0];
  EXPECT_EQ(bootstrap.base_offset, 0);
  EXPECT_EQ(bootstrap.epoch, 1);
  ASSERT_EQ(bootstrap.records.size(), 4u);
  EXPECT_EQ(as<protocol::BeginTransactionRecord>(bootstrap.records[0]).name, "Bootstrap records");
  EXPECT_EQ(as<protocol::FeatureLevelRecord>(bootstrap.records[1]).name, "metadata.version");
  EXPECT_EQ(as<protocol::FeatureLevelRecord>(bootstrap.records[1]).feature_level, 21);
  EXPECT_EQ(as<protocol::ZkMigrationStateRecord>(bootstrap.records[2]).zk_migration_state, 0);
  EXPECT_TRUE(std::holds_alternative<protocol::EndTransactionRecord>(bootstrap.records[3].record));

  const auto& registration = batches[1];
  ASSERT_EQ(registration.records.size(), 1u);
  EXPECT_EQ(registration.records[0].version, 3);
  const auto& reg = as<protocol::RegisterBrokerRecord>(registration.records[0]);
  EXPECT_EQ(reg.broker_id, 1);
  EXPECT_EQ(reg.broker_epoch, registration.base_offset) << "the broker epoch is the record's offset";
  EXPECT_TRUE(reg.fenced);
  EXPECT_FALSE(reg.incarnation_id.is_zero());
  ASSERT_EQ(reg.end_points.size(), 1u);
  EXPECT_EQ(reg.end_points[0].name, "PLAINTEXT");
  EXPECT_EQ(reg.end_points[0].host, "localhost");
  EXPECT_EQ(reg.end_points[0].port, 9092);
  EXPECT_EQ(reg.log_dirs, std::vector<protocol::Uuid>{testing::kLogDirId});
  ASSERT_FALSE(reg.features.empty());
  EXPECT_EQ(reg.features[0].name, "metadata.version");
  EXPECT_EQ(reg.features[0].max_supported_version, 21);

  const auto& change = as<protocol::BrokerRegistrationChangeRecord>(batches[2].records.at(0));
  EXPECT_EQ(change.fenced, -1);
  EXPECT_EQ(change.broker_epoch, reg.broker_epoch);

  const MetadataImage& image = *controller_->image();
  EXPECT_EQ(image.metadata_version(), 21);
  ASSERT_NE(image.broker(1), nullptr);
  EXPECT_FALSE(image.broker(1)->fenced);
  EXPECT_EQ(image.broker(1)->epoch, reg.broker_epoch);
  EXPECT_EQ(controller_->broker_epoch(), reg.broker_epoch);
  EXPECT_EQ(controller_->epoch(), 1);
  EXPECT_EQ(image.offset, log_->log_end_offset() - 1);
}

TEST_F(ControllerTest, RestartReplaysTheSameMetadata) {
  ASSERT_TRUE(
      create_one({"orders", 3, 1, {}, {{"retention.ms", "3600000"}, {"cleanup.policy", "compact"}}}).status.ok());
  ASSERT_TRUE(create_one({"payments", -1, -1, {}, {}}).status.ok());
  ASSERT_TRUE(alter_one(kBroker, "", {{"log.retention.ms", AlterConfigOp::kSet, "1000"}}).status.ok());
  ASSERT_TRUE(remove({{"payments"}, {}}).at(0).status.ok());
  ASSERT_TRUE(create_one({"payments", 1, -1, {}, {}}).status.ok());
  const auto before = controller_->image();
  const std::int64_t old_broker_epoch = controller_->broker_epoch();

  restart();

  const auto after = controller_->image();
  EXPECT_EQ(after->topics_by_id.size(), 2u);
  for (const auto& [id, topic] : before->topics_by_id) {
    const TopicImage* replayed = after->topic(id);
    ASSERT_NE(replayed, nullptr) << topic->name;
    EXPECT_EQ(*replayed, *topic) << "name, id and every partition";
  }
  EXPECT_EQ(after->configs, before->configs);
  EXPECT_EQ(after->features, before->features);
  EXPECT_EQ(after->configs_of(ConfigResourceType::kTopic, "orders").at("cleanup.policy"), "compact");

  // A new controller epoch, and a new registration of the broker.
  EXPECT_EQ(controller_->epoch(), 2);
  EXPECT_GT(controller_->broker_epoch(), old_broker_epoch);
  EXPECT_NE(after->broker(1)->incarnation_id, before->broker(1)->incarnation_id);
  EXPECT_FALSE(after->broker(1)->fenced);
  auto batches = read_batches(*log_);
  EXPECT_EQ(batches.back().epoch, 2);
  EXPECT_EQ(batches.front().records.size(), 4u) << "bootstrap records are written once";
  int bootstraps = 0;
  for (const auto& b : batches) {
    for (const auto& r : b.records) bootstraps += std::holds_alternative<protocol::FeatureLevelRecord>(r.record);
  }
  EXPECT_EQ(bootstraps, 1);

  // The replayed controller goes on where the last one stopped.
  EXPECT_EQ(create_one({"orders", 1, -1, {}, {}}).status.code, ErrorCode::TOPIC_ALREADY_EXISTS);
}

TEST_F(ControllerTest, ListenersSeeEveryDurableChange) {
  std::vector<std::pair<std::shared_ptr<const MetadataImage>, std::shared_ptr<const MetadataImage>>> seen;
  std::mutex mutex;
  std::atomic<std::int64_t> durable_when_seen{-1};
  controller_->add_listener([&](const MetadataImage& previous, const MetadataImage& next) {
    std::lock_guard lock(mutex);
    seen.emplace_back(std::make_shared<MetadataImage>(previous), std::make_shared<MetadataImage>(next));
    durable_when_seen = log_->recovery_point();
  });
  auto created = create_one({"events", 2, -1, {}, {}});
  ASSERT_TRUE(created.status.ok());
  {
    std::lock_guard lock(mutex);
    ASSERT_EQ(seen.size(), 2u) << "the first call, then the creation; before the operation completes";
    EXPECT_TRUE(seen[0].first->empty());
    EXPECT_NE(seen[0].second->broker(1), nullptr) << "the first call brings the current image";
    EXPECT_EQ(seen[1].first->topic("events"), nullptr);
    ASSERT_NE(seen[1].second->topic("events"), nullptr);
    EXPECT_EQ(seen[1].second->topic("events")->partitions.size(), 2u);
    EXPECT_EQ(durable_when_seen.load(), log_->log_end_offset()) << "listeners run after the fsync";
  }
  ASSERT_TRUE(remove({{}, {created.topic_id}}).at(0).status.ok());
  std::lock_guard lock(mutex);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_NE(seen[2].first->topic(created.topic_id), nullptr);
  EXPECT_EQ(seen[2].second->topic(created.topic_id), nullptr);

  // Validation-only and failed operations change nothing, so nobody is told.
  create_one({"dry", 1, -1, {}, {}}, true);
  create_one({"events!", 1, -1, {}, {}});
  EXPECT_EQ(seen.size(), 3u);
}

TEST_F(ControllerTest, OperationsFromManyThreadsAreTotallyOrdered) {
  std::atomic<int> in_listener{0};
  std::atomic<bool> overlapped{false};
  std::vector<std::int64_t> offsets;
  controller_->add_listener([&](const MetadataImage&, const MetadataImage& next) {
    if (in_listener.fetch_add(1) != 0) overlapped = true;
    offsets.push_back(next.offset);
    in_listener.fetch_sub(1);
  });
  constexpr int kThreads = 4;
  constexpr int kPerThread = 10;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string name = "t" + std::to_string(t) + "-" + std::to_string(i);
        // Half the names also race a duplicate creation from another thread.
        auto result = create_one({name, 1, -1, {}, {}});
        if (!result.status.ok()) ++failures;
        auto again = create_one({"shared-" + std::to_string(i), 1, -1, {}, {}});
        (void)again;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_FALSE(overlapped.load());
  const auto final_image = controller_->image();
  EXPECT_EQ(final_image->topics_by_id.size(), static_cast<std::size_t>(kThreads * kPerThread + kPerThread));
  for (std::size_t i = 1; i < offsets.size(); ++i) EXPECT_LT(offsets[i - 1], offsets[i]);
  // Each shared name was created exactly once: the others saw it exist.
  int topic_records = 0;
  for (const auto& b : read_batches(*log_)) {
    for (const auto& r : b.records) topic_records += std::holds_alternative<protocol::TopicRecord>(r.record);
  }
  EXPECT_EQ(topic_records, kThreads * kPerThread + kPerThread);
}

TEST_F(ControllerTest, AfterShutdownOperationsFailWithNotController) {
  controller_->shutdown();
  auto result = create_one({"late", 1, -1, {}, {}});
  EXPECT_EQ(result.status.code, ErrorCode::NOT_CONTROLLER);
  EXPECT_EQ(controller_->image()->topic("late"), nullptr);
}

}  // namespace
}  // namespace sluice::coordinator
