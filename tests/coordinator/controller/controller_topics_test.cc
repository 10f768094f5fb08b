// CreateTopics, DeleteTopics and CreatePartitions through the controller:
// the records they write and Kafka's errors.
#include <gtest/gtest.h>

#include "tests/coordinator/controller/controller_fixture.h"

namespace sluice::coordinator {
namespace {

using protocol::ErrorCode;
using testing::ControllerTest;
using testing::read_batches;

template <class M>
const M& as(const VersionedRecord& r) {
  return std::get<M>(r.record);
}

const CreatedTopicConfig* find_config(const CreateTopicResult& r, std::string_view name) {
  for (const auto& c : r.configs) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

TEST_F(ControllerTest, CreateTopicWritesTopicConfigAndPartitionRecordsInOneBatch) {
  const std::int64_t end_before = log_->log_end_offset();
  auto result = create_one({"orders", 3, -1, {}, {{"retention.ms", "3600000"}}});
  ASSERT_TRUE(result.status.ok()) << result.status.detail;
  EXPECT_FALSE(result.topic_id.is_zero());
  EXPECT_EQ(result.num_partitions, 3);
  EXPECT_EQ(result.replication_factor, 1);
  const CreatedTopicConfig* retention = find_config(result, "retention.ms");
  ASSERT_NE(retention, nullptr);
  EXPECT_EQ(retention->value, "3600000");
  EXPECT_EQ(retention->source, storage::ConfigSource::kDynamicTopicConfig);
  const CreatedTopicConfig* segment = find_config(result, "segment.bytes");
  ASSERT_NE(segment, nullptr);
  EXPECT_EQ(segment->value, "1073741824");
  EXPECT_EQ(segment->source, storage::ConfigSource::kDefaultConfig);
  EXPECT_TRUE(std::is_sorted(result.configs.begin(), result.configs.end(),
                             [](const auto& a, const auto& b) { return a.name < b.name; }));

  auto batches = read_batches(*log_);
  const auto& batch = batches.back();
  EXPECT_EQ(batch.base_offset, end_before);
  EXPECT_EQ(batch.epoch, controller_->epoch());
  ASSERT_EQ(batch.records.size(), 5u) << "TopicRecord, ConfigRecord, 3 PartitionRecords";
  const auto& topic = as<protocol::TopicRecord>(batch.records[0]);
  EXPECT_EQ(topic.name, "orders");
  EXPECT_EQ(topic.topic_id, result.topic_id);
  const auto& config = as<protocol::ConfigRecord>(batch.records[1]);
  EXPECT_EQ(config.resource_type, 2);
  EXPECT_EQ(config.resource_name, "orders");
  EXPECT_EQ(config.name, "retention.ms");
  EXPECT_EQ(config.value, "3600000");
  for (int p = 0; p < 3; ++p) {
    const VersionedRecord& r = batch.records[2 + p];
    EXPECT_EQ(r.version, 1);
    const auto& partition = as<protocol::PartitionRecord>(r);
    EXPECT_EQ(partition.partition_id, p);
    EXPECT_EQ(partition.topic_id, result.topic_id);
    EXPECT_EQ(partition.replicas, std::vector<std::int32_t>{1});
    EXPECT_EQ(partition.isr, std::vector<std::int32_t>{1});
    EXPECT_EQ(partition.leader, 1) << "the first replica leads";
    EXPECT_EQ(partition.leader_epoch, 0);
    EXPECT_EQ(partition.partition_epoch, 0);
    EXPECT_EQ(partition.directories, std::vector<protocol::Uuid>{testing::kLogDirId});
  }

  const MetadataImage& image = *controller_->image();
  const TopicImage* in_image = image.topic("orders");
  ASSERT_NE(in_image, nullptr);
  EXPECT_EQ(in_image->id, result.topic_id);
  EXPECT_EQ(in_image->partitions.size(), 3u);
  EXPECT_EQ(image.configs_of(ConfigResourceType::kTopic, "orders"), (storage::ConfigMap{{"retention.ms", "3600000"}}));
}

TEST_F(ControllerTest, DefaultsComeFromTheControllerConfig) {
  auto result = create_one({"defaults", -1, -1, {}, {}});
  ASSERT_TRUE(result.status.ok());
  EXPECT_EQ(result.num_partitions, 2) << "num.partitions";
  EXPECT_EQ(result.replication_factor, 1) << "default.replication.factor";
}

TEST_F(ControllerTest, ManualAssignmentCreatesThosePartitions) {
  auto result = create_one({"manual", -1, -1, {{1, {1}}, {0, {1}}}, {}});
  ASSERT_TRUE(result.status.ok()) << result.status.detail;
  EXPECT_EQ(result.num_partitions, 2);
  EXPECT_EQ(controller_->image()->topic("manual")->partitions.size(), 2u);
}

TEST_F(ControllerTest, CreateTopicErrorsAreKafkas) {
  ASSERT_TRUE(create_one({"orders", 1, -1, {}, {}}).status.ok());
  ASSERT_TRUE(create_one({"a_b", 1, -1, {}, {}}).status.ok());
  const std::int64_t end = log_->log_end_offset();

  auto expect = [&](CreatableTopic topic, ErrorCode code, std::string message = {}) {
    const std::string name = topic.name;
    auto r = create_one(std::move(topic));
    EXPECT_EQ(r.status.code, code) << name << ": " << r.status.detail;
    if (!message.empty()) {
      EXPECT_EQ(r.status.detail, message) << name;
    }
    EXPECT_EQ(r.num_partitions, -1);
    EXPECT_TRUE(r.topic_id.is_zero());
  };
  expect({"orders", 1, -1, {}, {}}, ErrorCode::TOPIC_ALREADY_EXISTS, "Topic 'orders' already exists.");
  expect({"", 1, -1, {}, {}}, ErrorCode::INVALID_TOPIC_EXCEPTION,
         "Topic name is invalid: the empty string is not allowed");
  expect({".", 1, -1, {}, {}}, ErrorCode::INVALID_TOPIC_EXCEPTION, "Topic name is invalid: '.' is not allowed");
  expect({"..", 1, -1, {}, {}}, ErrorCode::INVALID_TOPIC_EXCEPTION, "Topic name is invalid: '..' is not allowed");
  expect({"bad name", 1, -1, {}, {}}, ErrorCode::INVALID_TOPIC_EXCEPTION,
         "Topic name is invalid: 'bad name' contains one or more characters other than ASCII alphanumerics, '.', '_' "
         "and '-'");
  expect({std::string(250, 'x'), 1, -1, {}, {}}, ErrorCode::INVALID_TOPIC_EXCEPTION);
  expect({"a.b", 1, -1, {}, {}}, ErrorCode::INVALID_TOPIC_EXCEPTION, "Topic 'a.b' collides with existing topic: a_b");
  expect({"__cluster_metadata", 1, -1, {}, {}}, ErrorCode::INVALID_REQUEST);
  expect({"p0", 0, -1, {}, {}}, ErrorCode::INVALID_PARTITIONS,
         "Number of partitions was set to an invalid non-positive value.");
  expect({"p-2", -2, -1, {}, {}}, ErrorCode::INVALID_PARTITIONS);
  expect({"rf0", 1, 0, {}, {}}, ErrorCode::INVALID_REPLICATION_FACTOR,
         "Replication factor must be larger than 0, or -1 to use the default value.");
  expect({"rf3", 1, 3, {}, {}}, ErrorCode::INVALID_REPLICATION_FACTOR,
         "Unable to replicate the partition 3 time(s): The target replication factor of 3 cannot be reached because "
         "only 1 broker(s) are registered.");
  expect({"m1", 1, -1, {{0, {1}}}, {}}, ErrorCode::INVALID_REQUEST,
         "A manual partition assignment was specified, but numPartitions was not set to -1.");
  expect({"m2", -1, 1, {{0, {1}}}, {}}, ErrorCode::INVALID_REQUEST,
         "A manual partition assignment was specified, but replication factor was not set to -1.");
  expect({"m3", -1, -1, {{0, {2}}}, {}}, ErrorCode::INVALID_REPLICA_ASSIGNMENT,
         "The manual partition assignment includes broker 2, but no such broker is registered.");
  expect({"m4", -1, -1, {{0, {1, 1}}}, {}}, ErrorCode::INVALID_REPLICA_ASSIGNMENT,
         "The manual partition assignment includes the broker 1 more than once.");
  expect({"m5", -1, -1, {{0, {}}}, {}}, ErrorCode::INVALID_REPLICA_ASSIGNMENT,
         "The manual partition assignment includes an empty replica list.");
  expect({"m6", -1, -1, {{0, {1}}, {2, {1}}}, {}}, ErrorCode::INVALID_REPLICA_ASSIGNMENT,
         "partitions should be a consecutive 0-based integer sequence");
  expect({"m7", -1, -1, {{0, {1}}, {0, {1}}}, {}}, ErrorCode::INVALID_REPLICA_ASSIGNMENT,
         "Found multiple manual partition assignments for partition 0");
  expect({"c1", 1, -1, {}, {{"no.such.config", "1"}}}, ErrorCode::INVALID_CONFIG,
         "Unknown topic config name: no.such.config");
  expect({"c2", 1, -1, {}, {{"retention.ms", "abc"}}}, ErrorCode::INVALID_CONFIG);
  expect({"c3", 1, -1, {}, {{"retention.ms", std::nullopt}, {"segment.ms", std::nullopt}}}, ErrorCode::INVALID_CONFIG,
         "Null value not supported for topic configs: retention.ms,segment.ms");
  expect({"big", 10001, -1, {}, {}}, ErrorCode::POLICY_VIOLATION,
         "Unable to perform excessively large batch operation.");
  EXPECT_EQ(log_->log_end_offset(), end) << "failures write nothing";
}

TEST_F(ControllerTest, EachTopicOfARequestSucceedsOrFailsOnItsOwn) {
  auto results = create({{"good", 1, -1, {}, {}},
                         {"bad!", 1, -1, {}, {}},
                         {"twice", 1, -1, {}, {}},
                         {"twice", 2, -1, {}, {}},
                         {"also-good", 1, -1, {}, {}}});
  ASSERT_EQ(results.size(), 4u);
  EXPECT_EQ(results[0].name, "good");
  EXPECT_TRUE(results[0].status.ok());
  EXPECT_EQ(results[1].status.code, ErrorCode::INVALID_TOPIC_EXCEPTION);
  EXPECT_EQ(results[2].name, "also-good");
  EXPECT_TRUE(results[2].status.ok());
  EXPECT_EQ(results[3].name, "twice");
  EXPECT_EQ(results[3].status.code, ErrorCode::INVALID_REQUEST);
  EXPECT_EQ(results[3].status.detail, "Duplicate topic name.");
  EXPECT_NE(controller_->image()->topic("good"), nullptr);
  EXPECT_NE(controller_->image()->topic("also-good"), nullptr);
  EXPECT_EQ(controller_->image()->topic("twice"), nullptr);
  // Both creations went into one batch.
  EXPECT_EQ(read_batches(*log_).back().records.size(), 4u);
}

TEST_F(ControllerTest, AFailedWriteFailsTheOperationAndChangesNothing) {
  log_config_.max_message_bytes = 2048;  // far below a 100-partition topic's batch
  restart();
  const std::int64_t end = log_->log_end_offset();
  auto results = create({{"huge", 100, -1, {}, {}}, {"bad!", 1, -1, {}, {}}});
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].status.code, ErrorCode::MESSAGE_TOO_LARGE) << results[0].status.detail;
  EXPECT_EQ(results[1].status.code, ErrorCode::INVALID_TOPIC_EXCEPTION) << "its own error stays";
  EXPECT_EQ(log_->log_end_offset(), end);
  EXPECT_EQ(controller_->image()->topic("huge"), nullptr);
  EXPECT_TRUE(create_one({"small", 1, -1, {}, {}}).status.ok()) << "the controller goes on";
}

TEST_F(ControllerTest, ValidateOnlyAnswersWithoutWriting) {
  const std::int64_t end = log_->log_end_offset();
  auto result = create_one({"dry-run", 4, -1, {}, {{"cleanup.policy", "compact"}}}, true);
  ASSERT_TRUE(result.status.ok());
  EXPECT_EQ(result.num_partitions, 4);
  EXPECT_EQ(find_config(result, "cleanup.policy")->value, "compact");
  EXPECT_EQ(log_->log_end_offset(), end);
  EXPECT_EQ(controller_->image()->topic("dry-run"), nullptr);
  EXPECT_EQ(create_one({"dry-run", 4, 5, {}, {}}, true).status.code, ErrorCode::INVALID_REPLICATION_FACTOR);
}

TEST_F(ControllerTest, DeleteThenRecreateGivesANewTopicId) {
  auto first = create_one({"orders", 2, -1, {}, {{"retention.ms", "1000"}}});
  ASSERT_TRUE(first.status.ok());
  auto deleted = remove({{"orders"}, {}});
  ASSERT_EQ(deleted.size(), 1u);
  EXPECT_TRUE(deleted[0].status.ok());
  EXPECT_EQ(deleted[0].name, "orders");
  EXPECT_EQ(deleted[0].topic_id, first.topic_id);
  const auto removal = read_batches(*log_).back();
  ASSERT_EQ(removal.records.size(), 1u);
  EXPECT_EQ(as<protocol::RemoveTopicRecord>(removal.records[0]).topic_id, first.topic_id);
  EXPECT_EQ(controller_->image()->topic("orders"), nullptr);
  EXPECT_TRUE(controller_->image()->configs_of(ConfigResourceType::kTopic, "orders").empty())
      << "the topic's configs go with it";

  auto second = create_one({"orders", 1, -1, {}, {}});
  ASSERT_TRUE(second.status.ok());
  EXPECT_NE(second.topic_id, first.topic_id);
  EXPECT_EQ(find_config(second, "retention.ms")->value, "604800000") << "the old override is gone";
}

TEST_F(ControllerTest, DeleteTopicsErrors) {
  auto a = create_one({"a", 1, -1, {}, {}});
  auto b = create_one({"b", 1, -1, {}, {}});
  auto results = remove({{"missing", "dup", "dup", "a"}, {protocol::Uuid{5, 5}, b.topic_id, a.topic_id}});
  std::map<std::string, ErrorCode> by_name;
  std::map<protocol::Uuid, ErrorCode> by_id;
  for (const auto& r : results) {
    if (r.name) by_name[*r.name] = r.status.code;
    if (!r.name) by_id[r.topic_id] = r.status.code;
  }
  EXPECT_EQ(by_name["missing"], ErrorCode::UNKNOWN_TOPIC_OR_PARTITION);
  EXPECT_EQ(by_name["dup"], ErrorCode::INVALID_REQUEST);
  EXPECT_EQ((by_id[protocol::Uuid{5, 5}]), ErrorCode::UNKNOWN_TOPIC_ID);
  EXPECT_EQ(by_name["b"], ErrorCode::NONE) << "deleted by id, answered with its name";
  // Named and given by id: Kafka deletes neither and answers for the name.
  EXPECT_EQ(by_name["a"], ErrorCode::INVALID_REQUEST);
  EXPECT_NE(controller_->image()->topic("a"), nullptr);
  EXPECT_EQ(controller_->image()->topic("b"), nullptr);
}

TEST_F(ControllerTest, CreatePartitionsAddsPartitionsWithKafkasErrors) {
  auto created = create_one({"orders", 3, -1, {}, {}});
  ASSERT_TRUE(created.status.ok());
  auto results = add_partitions({{"orders", 5, std::nullopt}});
  ASSERT_EQ(results.size(), 1u);
  ASSERT_TRUE(results[0].status.ok()) << results[0].status.detail;
  const auto batch = read_batches(*log_).back();
  ASSERT_EQ(batch.records.size(), 2u);
  EXPECT_EQ(as<protocol::PartitionRecord>(batch.records[0]).partition_id, 3);
  EXPECT_EQ(as<protocol::PartitionRecord>(batch.records[1]).partition_id, 4);
  EXPECT_EQ(as<protocol::PartitionRecord>(batch.records[1]).topic_id, created.topic_id);
  EXPECT_EQ(controller_->image()->topic("orders")->partitions.size(), 5u);

  const std::int64_t end = log_->log_end_offset();
  auto expect = [&](CreatePartitionsTopic topic, ErrorCode code, std::string message = {}) {
    auto r = add_partitions({std::move(topic)});
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].status.code, code) << r[0].status.detail;
    if (!message.empty()) {
      EXPECT_EQ(r[0].status.detail, message);
    }
  };
  expect({"orders", 5, std::nullopt}, ErrorCode::INVALID_PARTITIONS, "Topic already has 5 partition(s).");
  expect({"orders", 2, std::nullopt}, ErrorCode::INVALID_PARTITIONS,
         "The topic orders currently has 5 partition(s); 2 would not be an increase.");
  expect({"missing", 2, std::nullopt}, ErrorCode::UNKNOWN_TOPIC_OR_PARTITION);
  expect({"orders", 7, std::vector<std::vector<std::int32_t>>{{1}}}, ErrorCode::INVALID_REPLICA_ASSIGNMENT,
         "Attempted to add 2 additional partition(s), but only 1 assignment(s) were specified.");
  expect({"orders", 6, std::vector<std::vector<std::int32_t>>{{2}}}, ErrorCode::INVALID_REPLICA_ASSIGNMENT,
         "The manual partition assignment includes broker 2, but no such broker is registered.");
  expect({"orders", 20000, std::nullopt}, ErrorCode::POLICY_VIOLATION);
  EXPECT_EQ(log_->log_end_offset(), end);

  auto dry = add_partitions({{"orders", 8, std::nullopt}}, true);
  EXPECT_TRUE(dry.at(0).status.ok());
  EXPECT_EQ(log_->log_end_offset(), end) << "validate_only writes nothing";

  auto manual = add_partitions({{"orders", 6, std::vector<std::vector<std::int32_t>>{{1}}}});
  EXPECT_TRUE(manual.at(0).status.ok()) << manual.at(0).status.detail;
  EXPECT_EQ(controller_->image()->topic("orders")->partitions.size(), 6u);
}

}  // namespace
}  // namespace sluice::coordinator
