// Coordinator tests on real partition logs: a log manager and a replica
// manager over a temporary directory. Derived fixtures call SetUp() first
// and TearDown() last.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "storage/config/log_config.h"
#include "storage/log/log_manager.h"
#include "storage/partition/replica_manager.h"
#include "tests/storage/storage_test_util.h"

namespace sluice::coordinator::testing {

template <class ClockType>
class HostedLogsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::LogManagerConfig config;
    config.log_dirs = {dir_.path()};
    config.cleaner_enable = false;
    auto logs = storage::LogManager::open(config, clock_);
    ASSERT_TRUE(logs.ok());
    logs_ = std::move(logs).value();
    ASSERT_TRUE(logs_->load_logs([&](const std::string&) { return log_config_; }).ok());
    replicas_ = std::make_unique<storage::ReplicaManager>(*logs_);
  }
  void TearDown() override {
    if (logs_) (void)logs_->shutdown();
  }

  storage::testing::TempDir dir_;
  ClockType clock_;
  std::shared_ptr<const storage::LogConfig> log_config_ = std::make_shared<const storage::LogConfig>();
  std::unique_ptr<storage::LogManager> logs_;
  std::unique_ptr<storage::ReplicaManager> replicas_;
};

}  // namespace sluice::coordinator::testing
