#include "server/network/network_config.h"

#include <gtest/gtest.h>

namespace sluice::server::network {
namespace {

TEST(MaxConnectionsPerIpOverrides, ParsesIpCountPairs) {
  auto parsed = parse_max_connections_per_ip_overrides(" 127.0.0.1:5 , 10.1.2.3:0,[::1]:7,fe80::1:9");
  ASSERT_TRUE(parsed.ok()) << parsed.status().detail;
  EXPECT_EQ(parsed->size(), 4u);
  EXPECT_EQ(parsed->at(asio::ip::make_address("127.0.0.1")), 5);
  EXPECT_EQ(parsed->at(asio::ip::make_address("10.1.2.3")), 0);
  EXPECT_EQ(parsed->at(asio::ip::make_address("::1")), 7);
  EXPECT_EQ(parsed->at(asio::ip::make_address("fe80::1")), 9);
}

TEST(MaxConnectionsPerIpOverrides, EmptyMeansNone) {
  auto parsed = parse_max_connections_per_ip_overrides("");
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(parsed->empty());
}

TEST(MaxConnectionsPerIpOverrides, RejectsMalformedEntries) {
  for (const char* text : {"127.0.0.1", "127.0.0.1:", "127.0.0.1:x", "127.0.0.1:-1", "not-an-ip:3", "1.2.3.4:5,oops"}) {
    auto parsed = parse_max_connections_per_ip_overrides(text);
    EXPECT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.code(), protocol::ErrorCode::INVALID_CONFIG) << text;
  }
}

TEST(NetworkConfigValidate, DefaultsMatchKafka) {
  NetworkConfig config;
  EXPECT_EQ(config.socket_request_max_bytes, 104857600);
  EXPECT_EQ(config.connections_max_idle_ms, 600000);
  EXPECT_EQ(config.queued_max_requests, 500);
  EXPECT_EQ(config.num_network_threads, 3);
  config.listeners = {{"PLAINTEXT", "", 9092}};
  EXPECT_TRUE(validate(config).ok());
}

TEST(NetworkConfigValidate, RejectsUnusableValues) {
  NetworkConfig base;
  base.listeners = {{"PLAINTEXT", "127.0.0.1", 0}};
  auto rejects = [&](auto mutate) {
    NetworkConfig config = base;
    mutate(config);
    return validate(config).code == protocol::ErrorCode::INVALID_CONFIG;
  };
  EXPECT_TRUE(rejects([](NetworkConfig& c) { c.listeners.clear(); }));
  EXPECT_TRUE(rejects([](NetworkConfig& c) { c.listeners.push_back({"PLAINTEXT", "127.0.0.1", 0}); }));
  EXPECT_TRUE(rejects([](NetworkConfig& c) { c.num_network_threads = 0; }));
  EXPECT_TRUE(rejects([](NetworkConfig& c) { c.socket_request_max_bytes = 0; }));
  EXPECT_TRUE(rejects([](NetworkConfig& c) { c.max_connections = 0; }));
  EXPECT_TRUE(rejects([](NetworkConfig& c) { c.queued_max_requests = 0; }));
}

}  // namespace
}  // namespace sluice::server::network
