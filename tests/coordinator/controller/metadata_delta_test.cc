#include "coordinator/controller/metadata_delta.h"

#include <gtest/gtest.h>

#include "coordinator/controller/metadata_loader.h"

namespace sluice::coordinator {
namespace {

using protocol::ErrorCode;
using protocol::Uuid;

const Uuid kTopicId{7, 7};

protocol::TopicRecord topic_record(const std::string& name, Uuid id) {
  protocol::TopicRecord r;
  r.name = name;
  r.topic_id = id;
  return r;
}

protocol::PartitionRecord partition_record(Uuid id, std::int32_t partition, std::vector<std::int32_t> replicas) {
  protocol::PartitionRecord r;
  r.topic_id = id;
  r.partition_id = partition;
  r.replicas = replicas;
  r.isr = replicas;
  r.leader = replicas.front();
  r.leader_epoch = 0;
  r.partition_epoch = 0;
  return r;
}

protocol::ConfigRecord config_record(ConfigResourceType type, const std::string& resource, const std::string& key,
                                     std::optional<std::string> value) {
  protocol::ConfigRecord r;
  r.resource_type = static_cast<std::int8_t>(type);
  r.resource_name = resource;
  r.name = key;
  r.value = std::move(value);
  return r;
}

std::shared_ptr<const MetadataImage> empty_image() { return std::make_shared<const MetadataImage>(); }

TEST(MetadataDeltaTest, TopicsAndPartitionsBuildUp) {
  MetadataDelta delta(empty_image());
  ASSERT_TRUE(delta.replay(topic_record("orders", kTopicId)).ok());
  ASSERT_TRUE(delta.replay(partition_record(kTopicId, 0, {1})).ok());
  ASSERT_TRUE(delta.replay(partition_record(kTopicId, 1, {1})).ok());
  auto image = delta.apply(5, 3);
  EXPECT_EQ(image->offset, 5);
  EXPECT_EQ(image->epoch, 3);
  const TopicImage* by_name = image->topic("orders");
  ASSERT_NE(by_name, nullptr);
  EXPECT_EQ(by_name, image->topic(kTopicId));
  ASSERT_EQ(by_name->partitions.size(), 2u);
  const PartitionRegistration& p0 = by_name->partitions.at(0);
  EXPECT_EQ(p0.leader, 1);
  EXPECT_EQ(p0.isr, std::vector<std::int32_t>{1});
  // A v0-style record without directories: every replica is MIGRATING.
  EXPECT_EQ(p0.directories, std::vector<Uuid>{directory_id::kMigrating});
}

TEST(MetadataDeltaTest, ImagesAreImmutableAndShareUnchangedTopics) {
  MetadataDelta delta(empty_image());
  ASSERT_TRUE(delta.replay(topic_record("a", Uuid{1, 1})).ok());
  ASSERT_TRUE(delta.replay(partition_record(Uuid{1, 1}, 0, {1})).ok());
  ASSERT_TRUE(delta.replay(topic_record("b", Uuid{2, 2})).ok());
  ASSERT_TRUE(delta.replay(partition_record(Uuid{2, 2}, 0, {1})).ok());
  auto first = delta.apply(3, 1);

  protocol::PartitionChangeRecord change;
  change.topic_id = Uuid{1, 1};
  change.partition_id = 0;
  change.isr = std::vector<std::int32_t>{1, 2};
  ASSERT_TRUE(delta.replay(change).ok());
  auto second = delta.apply(4, 1);

  EXPECT_EQ(first->topic("a")->partitions.at(0).isr, std::vector<std::int32_t>{1});
  EXPECT_EQ(second->topic("a")->partitions.at(0).isr, (std::vector<std::int32_t>{1, 2}));
  EXPECT_EQ(first->topics_by_name.at("b"), second->topics_by_name.at("b")) << "unchanged topic is shared";
  EXPECT_NE(first->topics_by_name.at("a"), second->topics_by_name.at("a"));
  EXPECT_EQ(second->topics_by_name.at("a"), second->topics_by_id.at(Uuid{1, 1}));
}

TEST(MetadataDeltaTest, PartitionChangeMergesAsKafka) {
  MetadataDelta delta(empty_image());
  ASSERT_TRUE(delta.replay(topic_record("t", kTopicId)).ok());
  auto p = partition_record(kTopicId, 0, {1, 2});
  p.directories = {Uuid{0, 101}, Uuid{0, 102}};
  ASSERT_TRUE(delta.replay(p).ok());

  protocol::PartitionChangeRecord isr_only;
  isr_only.topic_id = kTopicId;
  isr_only.partition_id = 0;
  isr_only.isr = std::vector<std::int32_t>{1};
  ASSERT_TRUE(delta.replay(isr_only).ok());
  const PartitionRegistration* now = &delta.current().topic("t")->partitions.at(0);
  EXPECT_EQ(now->leader, 1);
  EXPECT_EQ(now->leader_epoch, 0) << "no leader change, no leader epoch bump";
  EXPECT_EQ(now->partition_epoch, 1);

  protocol::PartitionChangeRecord new_leader;
  new_leader.topic_id = kTopicId;
  new_leader.partition_id = 0;
  new_leader.leader = 2;
  new_leader.replicas = std::vector<std::int32_t>{2, 3};
  ASSERT_TRUE(delta.replay(new_leader).ok());
  now = &delta.current().topic("t")->partitions.at(0);
  EXPECT_EQ(now->leader, 2);
  EXPECT_EQ(now->leader_epoch, 1);
  EXPECT_EQ(now->partition_epoch, 2);
  EXPECT_EQ(now->replicas, (std::vector<std::int32_t>{2, 3}));
  // Replica 2 keeps its directory; the new replica 3 is unassigned.
  EXPECT_EQ(now->directories, (std::vector<Uuid>{Uuid{0, 102}, directory_id::kUnassigned}));

  protocol::PartitionChangeRecord unknown;
  unknown.topic_id = kTopicId;
  unknown.partition_id = 9;
  EXPECT_EQ(delta.replay(unknown).code, ErrorCode::CORRUPT_MESSAGE);
}

TEST(MetadataDeltaTest, NullConfigValueDeletesTheKey) {
  MetadataDelta delta(empty_image());
  ASSERT_TRUE(delta.replay(config_record(ConfigResourceType::kBroker, "", "log.retention.ms", "1000")).ok());
  ASSERT_TRUE(delta.replay(config_record(ConfigResourceType::kBroker, "", "num.io.threads", "4")).ok());
  ASSERT_TRUE(delta.replay(config_record(ConfigResourceType::kBroker, "", "log.retention.ms", std::nullopt)).ok());
  auto image = delta.apply(2, 1);
  EXPECT_EQ(image->configs_of(ConfigResourceType::kBroker, ""), (storage::ConfigMap{{"num.io.threads", "4"}}));
  ASSERT_TRUE(delta.replay(config_record(ConfigResourceType::kBroker, "", "num.io.threads", std::nullopt)).ok());
  image = delta.apply(3, 1);
  EXPECT_TRUE(image->configs.empty()) << "a resource without keys is gone";
}

TEST(MetadataDeltaTest, RemoveTopicDropsItAndItsConfigs) {
  MetadataDelta delta(empty_image());
  ASSERT_TRUE(delta.replay(topic_record("t", kTopicId)).ok());
  ASSERT_TRUE(delta.replay(config_record(ConfigResourceType::kTopic, "t", "retention.ms", "5")).ok());
  ASSERT_TRUE(delta.replay(partition_record(kTopicId, 0, {1})).ok());
  auto before = delta.apply(2, 1);
  protocol::RemoveTopicRecord remove;
  remove.topic_id = kTopicId;
  ASSERT_TRUE(delta.replay(remove).ok());
  auto after = delta.apply(3, 1);
  EXPECT_EQ(after->topic("t"), nullptr);
  EXPECT_EQ(after->topic(kTopicId), nullptr);
  EXPECT_TRUE(after->configs_of(ConfigResourceType::kTopic, "t").empty());
  EXPECT_NE(before->topic("t"), nullptr) << "the older image still has it";
  EXPECT_EQ(delta.replay(remove).code, ErrorCode::CORRUPT_MESSAGE) << "removing it twice";
}

TEST(MetadataDeltaTest, ContradictionsAreErrors) {
  MetadataDelta delta(empty_image());
  EXPECT_EQ(delta.replay(partition_record(kTopicId, 0, {1})).code, ErrorCode::CORRUPT_MESSAGE);
  ASSERT_TRUE(delta.replay(topic_record("t", kTopicId)).ok());
  EXPECT_EQ(delta.replay(topic_record("t", Uuid{9, 9})).code, ErrorCode::CORRUPT_MESSAGE);
  EXPECT_EQ(delta.replay(topic_record("u", kTopicId)).code, ErrorCode::CORRUPT_MESSAGE);
}

TEST(MetadataDeltaTest, FeaturesAndBrokers) {
  MetadataDelta delta(empty_image());
  EXPECT_EQ(delta.current().metadata_version(), metadata_version::kMinimumKraft);
  protocol::FeatureLevelRecord mv;
  mv.name = "metadata.version";
  mv.feature_level = 21;
  ASSERT_TRUE(delta.replay(mv).ok());
  protocol::FeatureLevelRecord group;
  group.name = "group.version";
  group.feature_level = 1;
  ASSERT_TRUE(delta.replay(group).ok());
  group.feature_level = 0;
  ASSERT_TRUE(delta.replay(group).ok());
  EXPECT_EQ(delta.current().metadata_version(), 21);
  EXPECT_FALSE(delta.current().features.contains("group.version"));

  protocol::RegisterBrokerRecord reg;
  reg.broker_id = 1;
  reg.broker_epoch = 10;
  auto& endpoint = reg.end_points.emplace_back();
  endpoint.name = "PLAINTEXT";
  endpoint.host = "localhost";
  endpoint.port = 9092;
  ASSERT_TRUE(delta.replay(reg).ok());
  EXPECT_TRUE(delta.current().broker(1)->fenced);

  protocol::BrokerRegistrationChangeRecord unfence;
  unfence.broker_id = 1;
  unfence.broker_epoch = 10;
  unfence.fenced = -1;
  ASSERT_TRUE(delta.replay(unfence).ok());
  EXPECT_FALSE(delta.current().broker(1)->fenced);
  EXPECT_EQ(delta.current().broker(1)->endpoints.at(0).port, 9092);

  unfence.broker_epoch = 9;
  EXPECT_EQ(delta.replay(unfence).code, ErrorCode::CORRUPT_MESSAGE) << "a stale broker epoch";
}

// The loader's metadata transactions (KIP-868).
TEST(MetadataLoaderTest, TransactionsPublishAtTheirEndOrNever) {
  MetadataLoader loader(empty_image());
  auto v = [](MetadataRecord r) { return at_current_version(std::move(r)); };

  std::vector<VersionedRecord> first = {v(topic_record("before", Uuid{1, 1})), v(protocol::BeginTransactionRecord{}),
                                        v(topic_record("inside", Uuid{2, 2}))};
  ASSERT_TRUE(loader.replay_batch(first, 0, 1).ok());
  EXPECT_NE(loader.image()->topic("before"), nullptr) << "what precedes the transaction is published";
  EXPECT_EQ(loader.image()->topic("inside"), nullptr);
  EXPECT_EQ(loader.open_transaction(), 1);

  std::vector<VersionedRecord> second = {v(protocol::EndTransactionRecord{})};
  ASSERT_TRUE(loader.replay_batch(second, 3, 1).ok());
  EXPECT_NE(loader.image()->topic("inside"), nullptr);
  EXPECT_EQ(loader.image()->offset, 3);
  EXPECT_FALSE(loader.open_transaction());

  std::vector<VersionedRecord> aborted = {v(protocol::BeginTransactionRecord{}), v(topic_record("gone", Uuid{3, 3})),
                                          v(protocol::AbortTransactionRecord{})};
  ASSERT_TRUE(loader.replay_batch(aborted, 4, 2).ok());
  EXPECT_EQ(loader.image()->topic("gone"), nullptr);
  EXPECT_EQ(loader.image()->offset, 6);

  std::vector<VersionedRecord> stray_end = {v(protocol::EndTransactionRecord{})};
  EXPECT_EQ(loader.replay_batch(stray_end, 7, 2).code, ErrorCode::CORRUPT_MESSAGE);
}

}  // namespace
}  // namespace sluice::coordinator
