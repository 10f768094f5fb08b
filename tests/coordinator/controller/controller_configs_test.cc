// IncrementalAlterConfigs and AlterConfigs through the controller.
#include <gtest/gtest.h>

#include "tests/coordinator/controller/controller_fixture.h"

namespace sluice::coordinator {
namespace {

using protocol::ErrorCode;
using testing::ControllerTest;
using testing::kBroker;
using testing::kTopic;
using testing::read_batches;

class AlterConfigsTest : public ControllerTest {
 protected:
  void SetUp() override {
    ControllerTest::SetUp();
    ASSERT_TRUE(create_one({"orders", 1, -1, {}, {}}).status.ok());
  }
  storage::ConfigMap orders() { return controller_->image()->configs_of(ConfigResourceType::kTopic, "orders"); }
};

TEST_F(AlterConfigsTest, SetDeleteAppendSubtract) {
  auto set = alter_one(kTopic, "orders", {{"retention.ms", AlterConfigOp::kSet, "5000"}});
  ASSERT_TRUE(set.status.ok()) << set.status.detail;
  EXPECT_EQ(orders().at("retention.ms"), "5000");

  // cleanup.policy is a LIST; unset, APPEND starts from its default "delete".
  ASSERT_TRUE(alter_one(kTopic, "orders", {{"cleanup.policy", AlterConfigOp::kAppend, "compact"}}).status.ok());
  EXPECT_EQ(orders().at("cleanup.policy"), "delete,compact");
  ASSERT_TRUE(alter_one(kTopic, "orders", {{"cleanup.policy", AlterConfigOp::kAppend, "compact"}}).status.ok());
  EXPECT_EQ(orders().at("cleanup.policy"), "delete,compact") << "APPEND adds only what is missing";
  ASSERT_TRUE(alter_one(kTopic, "orders", {{"cleanup.policy", AlterConfigOp::kSubtract, "delete"}}).status.ok());
  EXPECT_EQ(orders().at("cleanup.policy"), "compact");

  auto del = alter_one(kTopic, "orders", {{"retention.ms", AlterConfigOp::kDelete, std::nullopt}});
  ASSERT_TRUE(del.status.ok());
  EXPECT_FALSE(orders().contains("retention.ms"));
  const auto batch = read_batches(*log_).back();
  ASSERT_EQ(batch.records.size(), 1u);
  const auto& record = std::get<protocol::ConfigRecord>(batch.records[0].record);
  EXPECT_EQ(record.name, "retention.ms");
  EXPECT_FALSE(record.value.has_value()) << "DELETE writes a ConfigRecord with a null value";

  // Several keys of one resource in one batch.
  ASSERT_TRUE(
      alter_one(kTopic, "orders",
                {{"segment.ms", AlterConfigOp::kSet, "60000"}, {"max.message.bytes", AlterConfigOp::kSet, "2048"}})
          .status.ok());
  EXPECT_EQ(read_batches(*log_).back().records.size(), 2u);
}

TEST_F(AlterConfigsTest, UnchangedTopicValuesWriteNothing) {
  ASSERT_TRUE(alter_one(kTopic, "orders", {{"retention.ms", AlterConfigOp::kSet, "5000"}}).status.ok());
  const std::int64_t end = log_->log_end_offset();
  ASSERT_TRUE(alter_one(kTopic, "orders", {{"retention.ms", AlterConfigOp::kSet, "5000"}}).status.ok());
  ASSERT_TRUE(alter_one(kTopic, "orders", {{"segment.ms", AlterConfigOp::kDelete, std::nullopt}}).status.ok());
  EXPECT_EQ(log_->log_end_offset(), end);
}

TEST_F(AlterConfigsTest, ValidateOnlyWritesNothing) {
  const std::int64_t end = log_->log_end_offset();
  auto result = alter_one(kTopic, "orders", {{"retention.ms", AlterConfigOp::kSet, "5000"}}, true);
  EXPECT_TRUE(result.status.ok());
  EXPECT_EQ(log_->log_end_offset(), end);
  EXPECT_FALSE(orders().contains("retention.ms"));
  auto bad = alter_one(kTopic, "orders", {{"retention.ms", AlterConfigOp::kSet, "soon"}}, true);
  EXPECT_EQ(bad.status.code, ErrorCode::INVALID_CONFIG);
}

TEST_F(AlterConfigsTest, ErrorsPerResource) {
  const std::int64_t end = log_->log_end_offset();
  auto results = alter({
      {kTopic, "orders", {{"retention.ms", AlterConfigOp::kAppend, "1"}}},
      {kTopic, "orders", {{"retention.ms", AlterConfigOp::kSet, "abc"}}},
      {kTopic, "orders", {{"no.such.key", AlterConfigOp::kSet, "1"}}},
      {kTopic, "missing", {{"retention.ms", AlterConfigOp::kSet, "1"}}},
      {kTopic, "", {{"retention.ms", AlterConfigOp::kSet, "1"}}},
      {kTopic, "bad name", {{"retention.ms", AlterConfigOp::kSet, "1"}}},
      {8, "1", {{"kafka.server", AlterConfigOp::kSet, "DEBUG"}}},
      {99, "x", {{"a", AlterConfigOp::kSet, "1"}}},
      {kTopic, "orders", {{"retention.ms", AlterConfigOp::kSet, "1"}, {"retention.ms", AlterConfigOp::kSet, "2"}}},
  });
  ASSERT_EQ(results.size(), 9u);
  EXPECT_EQ(results[0].status.code, ErrorCode::INVALID_CONFIG);
  EXPECT_EQ(results[0].status.detail, "Can't APPEND to key retention.ms because its type is not LIST.");
  EXPECT_EQ(results[1].status.code, ErrorCode::INVALID_CONFIG);
  EXPECT_EQ(results[2].status.code, ErrorCode::INVALID_CONFIG);
  EXPECT_EQ(results[2].status.detail, "Unknown topic config name: no.such.key");
  EXPECT_EQ(results[3].status.code, ErrorCode::UNKNOWN_TOPIC_OR_PARTITION);
  EXPECT_EQ(results[3].status.detail, "The topic 'missing' does not exist.");
  EXPECT_EQ(results[4].status.code, ErrorCode::INVALID_REQUEST);
  EXPECT_EQ(results[4].status.detail, "Default topic resources are not allowed.");
  EXPECT_EQ(results[5].status.code, ErrorCode::INVALID_TOPIC_EXCEPTION);
  EXPECT_EQ(results[6].status.code, ErrorCode::INVALID_REQUEST);
  EXPECT_EQ(results[6].status.detail, "Unknown resource type BROKER_LOGGER");
  EXPECT_EQ(results[7].status.code, ErrorCode::INVALID_REQUEST);
  EXPECT_EQ(results[8].status.code, ErrorCode::INVALID_REQUEST);
  EXPECT_EQ(log_->log_end_offset(), end);
}

TEST_F(AlterConfigsTest, GoodResourcesAreWrittenBesideBadOnes) {
  auto results = alter({{kTopic, "orders", {{"retention.ms", AlterConfigOp::kSet, "7"}}},
                        {kTopic, "missing", {{"retention.ms", AlterConfigOp::kSet, "7"}}}});
  EXPECT_TRUE(results.at(0).status.ok());
  EXPECT_EQ(results.at(1).status.code, ErrorCode::UNKNOWN_TOPIC_OR_PARTITION);
  EXPECT_EQ(orders().at("retention.ms"), "7");
}

TEST_F(AlterConfigsTest, BrokerResources) {
  // The cluster default: validated by the broker's validator, then it is
  // what new topics fall back to.
  ASSERT_TRUE(alter_one(kBroker, "", {{"log.retention.ms", AlterConfigOp::kSet, "1000"}}).status.ok());
  EXPECT_EQ(controller_->image()->configs_of(ConfigResourceType::kBroker, "").at("log.retention.ms"), "1000");
  auto created = create_one({"short-lived", 1, -1, {}, {}});
  ASSERT_TRUE(created.status.ok());
  for (const auto& c : created.configs) {
    if (c.name != "retention.ms") continue;
    EXPECT_EQ(c.value, "1000");
    EXPECT_EQ(c.source, storage::ConfigSource::kDynamicDefaultBrokerConfig);
  }

  // This node's own config.
  ASSERT_TRUE(alter_one(kBroker, "1", {{"num.io.threads", AlterConfigOp::kSet, "16"}}).status.ok());
  EXPECT_EQ(controller_->image()->configs_of(ConfigResourceType::kBroker, "1").at("num.io.threads"), "16");
  // KAFKA-14136: the same value again is still written, so brokers reload it.
  const std::int64_t end = log_->log_end_offset();
  ASSERT_TRUE(alter_one(kBroker, "1", {{"num.io.threads", AlterConfigOp::kSet, "16"}}).status.ok());
  EXPECT_GT(log_->log_end_offset(), end);

  ASSERT_TRUE(alter_one(kBroker, "", {{"log.cleanup.policy", AlterConfigOp::kAppend, "compact"}}).status.ok());
  EXPECT_EQ(controller_->image()->configs_of(ConfigResourceType::kBroker, "").at("log.cleanup.policy"),
            "delete,compact");

  auto bad_value = alter_one(kBroker, "1", {{"num.io.threads", AlterConfigOp::kSet, "0"}});
  EXPECT_EQ(bad_value.status.code, ErrorCode::INVALID_CONFIG);
  auto unknown_broker = alter_one(kBroker, "2", {{"num.io.threads", AlterConfigOp::kSet, "4"}});
  EXPECT_EQ(unknown_broker.status.code, ErrorCode::BROKER_ID_NOT_REGISTERED);
  EXPECT_EQ(unknown_broker.status.detail, "No broker with id 2 found.");
  auto bad_name = alter_one(kBroker, "one", {{"num.io.threads", AlterConfigOp::kSet, "4"}});
  EXPECT_EQ(bad_name.status.code, ErrorCode::INVALID_REQUEST);
  EXPECT_EQ(bad_name.status.detail, "Unable to parse broker name one");
  auto not_list = alter_one(kBroker, "", {{"num.io.threads", AlterConfigOp::kAppend, "4"}});
  EXPECT_EQ(not_list.status.code, ErrorCode::INVALID_CONFIG);
}

TEST_F(AlterConfigsTest, LegacyAlterConfigsReplacesTheWholeConfig) {
  ASSERT_TRUE(alter_one(kTopic, "orders",
                        {{"retention.ms", AlterConfigOp::kSet, "5000"}, {"segment.ms", AlterConfigOp::kSet, "6000"}})
                  .status.ok());
  auto results = replace({{kTopic, "orders", {{"max.message.bytes", "4096"}, {"segment.ms", "6000"}}}});
  ASSERT_TRUE(results.at(0).status.ok()) << results.at(0).status.detail;
  EXPECT_EQ(orders(), (storage::ConfigMap{{"max.message.bytes", "4096"}, {"segment.ms", "6000"}}));
  const auto batch = read_batches(*log_).back();
  EXPECT_EQ(batch.records.size(), 2u) << "max.message.bytes set, retention.ms deleted, segment.ms unchanged";

  auto bad = replace({{kTopic, "orders", {{"retention.ms", "never"}}}});
  EXPECT_EQ(bad.at(0).status.code, ErrorCode::INVALID_CONFIG);
  auto missing = replace({{kTopic, "missing", {}}});
  EXPECT_EQ(missing.at(0).status.code, ErrorCode::UNKNOWN_TOPIC_OR_PARTITION);
}

}  // namespace
}  // namespace sluice::coordinator
