// A controller on a metadata log in a temporary directory, with a small
// broker config definition standing in for the server's, and synchronous
// wrappers of its operations.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "coordinator/controller/controller.h"
#include "tests/coordinator/controller/controller_test_util.h"

namespace sluice::coordinator::testing {

inline const protocol::Uuid kLogDirId{0x1111, 0x2222};

// Three broker keys: enough for the controller's BROKER resource paths.
inline const storage::ConfigDef& test_broker_config_def() {
  static const storage::ConfigDef def({
      {"log.retention.ms", storage::ConfigType::kLong, std::nullopt, {}, storage::Importance::kHigh, ""},
      {"log.cleanup.policy", storage::ConfigType::kList, "delete", {}, storage::Importance::kMedium, ""},
      {"num.io.threads", storage::ConfigType::kInt, "8", storage::Validator::at_least(1), storage::Importance::kHigh,
       ""},
  });
  return def;
}

inline ControllerConfig test_controller_config() {
  ControllerConfig c;
  c.node_id = 1;
  c.num_partitions = 2;
  c.default_replication_factor = 1;
  c.endpoints = {BrokerEndpoint{"PLAINTEXT", "localhost", 9092, 0}};
  c.log_dirs = {kLogDirId};
  c.broker_config_key = [](std::string_view name) { return test_broker_config_def().find(name); };
  c.validate_broker_config = [](const std::string&, const storage::ConfigMap& configs) -> protocol::Status {
    for (const auto& [name, value] : configs) {
      const storage::ConfigKey* key = test_broker_config_def().find(name);
      if (key == nullptr) return {protocol::ErrorCode::INVALID_CONFIG, "Unknown broker config " + name};
      if (auto parsed = storage::parse_value(*key, value); !parsed.ok()) return parsed.status();
    }
    return {};
  };
  return c;
}

class ControllerTest : public MetadataLogTest {
 protected:
  void SetUp() override { start(); }

  void start() {
    log_ = open_log();
    auto started = Controller::start(config_, log_, clock_);
    ASSERT_TRUE(started.ok()) << started.status().detail;
    controller_ = std::move(started).value();
  }

  // A restart of the node: the controller and the log closed and opened again.
  void restart() {
    controller_->shutdown();
    controller_.reset();
    ASSERT_TRUE(log_->close().ok());
    log_.reset();
    start();
  }

  std::vector<CreateTopicResult> create(std::vector<CreatableTopic> topics, bool validate_only = false) {
    return await<std::vector<CreateTopicResult>>(
        [&](auto done) { controller_->create_topics(std::move(topics), validate_only, done); });
  }
  CreateTopicResult create_one(CreatableTopic topic, bool validate_only = false) {
    auto results = create({std::move(topic)}, validate_only);
    EXPECT_EQ(results.size(), 1u);
    return results.empty() ? CreateTopicResult{} : results.front();
  }
  std::vector<DeleteTopicResult> remove(DeleteTopicsRequest request) {
    return await<std::vector<DeleteTopicResult>>(
        [&](auto done) { controller_->delete_topics(std::move(request), done); });
  }
  std::vector<CreatePartitionsResult> add_partitions(std::vector<CreatePartitionsTopic> topics,
                                                     bool validate_only = false) {
    return await<std::vector<CreatePartitionsResult>>(
        [&](auto done) { controller_->create_partitions(std::move(topics), validate_only, done); });
  }
  std::vector<AlterConfigsResult> alter(std::vector<IncrementalAlterConfigsResource> resources,
                                        bool validate_only = false) {
    return await<std::vector<AlterConfigsResult>>(
        [&](auto done) { controller_->incremental_alter_configs(std::move(resources), validate_only, done); });
  }
  AlterConfigsResult alter_one(std::int8_t type, std::string name, std::vector<AlterableConfig> configs,
                               bool validate_only = false) {
    auto results = alter({{type, std::move(name), std::move(configs)}}, validate_only);
    EXPECT_EQ(results.size(), 1u);
    return results.empty() ? AlterConfigsResult{} : results.front();
  }
  std::vector<AlterConfigsResult> replace(std::vector<LegacyAlterConfigsResource> resources) {
    return await<std::vector<AlterConfigsResult>>(
        [&](auto done) { controller_->legacy_alter_configs(std::move(resources), false, done); });
  }

  std::shared_ptr<const MetadataImage> image() const { return controller_->image(); }

  ControllerConfig config_ = test_controller_config();
  std::shared_ptr<storage::Log> log_;
  std::unique_ptr<Controller> controller_;
};

inline constexpr std::int8_t kTopic = static_cast<std::int8_t>(ConfigResourceType::kTopic);
inline constexpr std::int8_t kBroker = static_cast<std::int8_t>(ConfigResourceType::kBroker);

}  // namespace sluice::coordinator::testing
