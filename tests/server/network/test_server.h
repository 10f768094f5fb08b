// A NetworkRuntime on an ephemeral loopback port around a FakeHandler.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>

#include "server/network/network_config.h"
#include "server/network/network_runtime.h"
#include "tests/server/network/fake_handler.h"

namespace sluice::server::network::testing {

inline NetworkConfig loopback_config() {
  NetworkConfig config;
  config.listeners = {{"PLAINTEXT", "127.0.0.1", 0}};
  config.num_network_threads = 2;
  return config;
}

struct TestServer {
  FakeHandler handler;  // declared first: outlives the runtime
  std::unique_ptr<NetworkRuntime> runtime;
  std::uint16_t port = 0;

  explicit TestServer(NetworkConfig config = loopback_config()) {
    runtime = std::make_unique<NetworkRuntime>(std::move(config), handler);
    const auto status = runtime->start();
    EXPECT_TRUE(status.ok()) << status.detail;
    port = runtime->bound_port("PLAINTEXT").value_or(0);
  }
  ~TestServer() { runtime->stop(std::chrono::seconds(2)); }
};

}  // namespace sluice::server::network::testing
