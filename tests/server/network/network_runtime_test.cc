// The broker-wide side: listeners, connection limits and shutdown.
#include "server/network/network_runtime.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/server/network/fake_handler.h"
#include "tests/server/network/test_client.h"
#include "tests/server/network/test_server.h"

namespace sluice::server::network {
namespace {

using namespace std::chrono_literals;
using testing::eventually;
using testing::FakeHandler;
using testing::TestClient;
using testing::TestServer;

std::vector<std::uint8_t> bytes(const std::string& text) { return {text.begin(), text.end()}; }

bool echoes(TestClient& client, const std::string& text) {
  return client.send_frame(bytes(text)) && client.read_frame(2s) == bytes(text);
}

TEST(NetworkRuntime, ReportsTheBoundEphemeralPorts) {
  auto config = testing::loopback_config();
  config.listeners.push_back({"INTERNAL", "127.0.0.1", 0});
  TestServer server(config);
  const auto plaintext = server.runtime->bound_port("PLAINTEXT");
  const auto internal = server.runtime->bound_port("INTERNAL");
  ASSERT_TRUE(plaintext && internal);
  EXPECT_NE(*plaintext, 0);
  EXPECT_NE(*internal, 0);
  EXPECT_NE(*plaintext, *internal);
  EXPECT_FALSE(server.runtime->bound_port("SSL").has_value());
  EXPECT_EQ(server.runtime->bound_endpoints().size(), 2u);

  TestClient a(*plaintext);
  TestClient b(*internal);
  EXPECT_TRUE(echoes(a, "one"));
  EXPECT_TRUE(echoes(b, "two"));
}

TEST(NetworkRuntime, StartFailsOnAPortInUse) {
  TestServer first;
  FakeHandler handler;
  auto config = testing::loopback_config();
  config.listeners[0].port = first.port;
  NetworkRuntime second(config, handler);
  const auto status = second.start();
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.detail.find("PLAINTEXT"), std::string::npos) << status.detail;
}

TEST(NetworkRuntime, StartRejectsAnInvalidConfig) {
  FakeHandler handler;
  NetworkRuntime runtime(NetworkConfig{}, handler);  // no listeners
  EXPECT_EQ(runtime.start().code, protocol::ErrorCode::INVALID_CONFIG);
}

TEST(NetworkRuntime, ConnectionsAreSpreadOverTheNetworkThreads) {
  auto config = testing::loopback_config();
  config.num_network_threads = 3;
  TestServer server(config);
  std::vector<std::unique_ptr<TestClient>> clients;
  for (int i = 0; i < 6; ++i) {
    clients.push_back(std::make_unique<TestClient>(server.port));
    ASSERT_TRUE(clients.back()->send_frame(bytes("Bhold")));
  }
  // Six handlers suspended at once on three threads, all reachable.
  EXPECT_TRUE(eventually([&] { return server.handler.blocked() == 6; }));
  server.handler.open_gate();
  for (auto& client : clients) EXPECT_EQ(client->read_frame(), bytes("Bhold"));
  EXPECT_EQ(server.runtime->accepted_connections(), 6u);
}

TEST(NetworkRuntime, MaxConnectionsPerIpClosesTheExtraConnection) {
  auto config = testing::loopback_config();
  config.max_connections_per_ip = 2;
  TestServer server(config);
  auto first = std::make_unique<TestClient>(server.port);
  TestClient second(server.port);
  ASSERT_TRUE(echoes(*first, "1"));
  ASSERT_TRUE(echoes(second, "2"));

  TestClient third(server.port);  // the kernel completes the handshake; the broker closes it
  EXPECT_TRUE(third.wait_closed(2s));
  EXPECT_EQ(server.runtime->rejected_connections(), 1u);
  EXPECT_TRUE(echoes(*first, "still fine"));

  // Once one closes, the IP may connect again.
  first.reset();
  ASSERT_TRUE(eventually([&] { return server.runtime->active_connections() == 1; }));
  TestClient fourth(server.port);
  EXPECT_TRUE(echoes(fourth, "4"));
}

TEST(NetworkRuntime, MaxConnectionsPerIpOverrideRaisesTheLimitForThatIp) {
  auto config = testing::loopback_config();
  config.max_connections_per_ip = 1;
  config.max_connections_per_ip_overrides = parse_max_connections_per_ip_overrides("127.0.0.1:3").value();
  TestServer server(config);
  TestClient a(server.port), b(server.port), c(server.port), d(server.port);
  EXPECT_TRUE(echoes(a, "a"));
  EXPECT_TRUE(echoes(b, "b"));
  EXPECT_TRUE(echoes(c, "c"));
  EXPECT_TRUE(d.wait_closed(2s));
}

TEST(NetworkRuntime, MaxConnectionsHoldsNewConnectionsUntilOneCloses) {
  auto config = testing::loopback_config();
  config.max_connections = 1;
  TestServer server(config);
  auto first = std::make_unique<TestClient>(server.port);
  ASSERT_TRUE(echoes(*first, "first"));

  TestClient waiting(server.port);  // sits in the listen backlog
  ASSERT_TRUE(waiting.send_frame(bytes("waiting")));
  EXPECT_FALSE(waiting.read_frame(300ms).has_value());
  EXPECT_EQ(server.handler.calls(), 1);

  first.reset();
  EXPECT_EQ(waiting.read_frame(2s), bytes("waiting"));
}

TEST(NetworkRuntime, GracefulStopFinishesTheRequestInFlight) {
  TestServer server;
  server.handler.slow_delay = 300ms;
  TestClient client(server.port);
  ASSERT_TRUE(client.send_frame(bytes("Slow")));
  ASSERT_TRUE(client.send_frame(bytes("queued behind it")));
  ASSERT_TRUE(eventually([&] { return server.handler.slow_started() == 1; }));

  const auto start = std::chrono::steady_clock::now();
  auto stopping = std::async(std::launch::async, [&] { server.runtime->stop(5s); });
  EXPECT_EQ(client.read_frame(2s), bytes("Slow"));
  EXPECT_TRUE(client.wait_closed(2s));
  stopping.get();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_EQ(server.handler.calls(), 1);  // the request not yet started is dropped
  EXPECT_EQ(server.handler.closed().size(), 1u);

  TestClient late(server.port);  // no longer accepting
  EXPECT_TRUE(!late.connected() || late.wait_closed(1s));
}

TEST(NetworkRuntime, StopGivesUpOnAHandlerThatNeverReturns) {
  TestServer server;
  TestClient client(server.port);
  ASSERT_TRUE(client.send_frame(bytes("Bforever")));
  ASSERT_TRUE(eventually([&] { return server.handler.blocked() == 1; }));
  const auto start = std::chrono::steady_clock::now();
  server.runtime->stop(200ms);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_TRUE(client.wait_closed(1s));
}

TEST(NetworkRuntime, StopWithIdleConnectionsIsPrompt) {
  TestServer server;
  TestClient a(server.port), b(server.port);
  ASSERT_TRUE(echoes(a, "a"));
  ASSERT_TRUE(echoes(b, "b"));
  const auto start = std::chrono::steady_clock::now();
  server.runtime->stop(5s);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
  EXPECT_TRUE(a.wait_closed(1s));
  EXPECT_TRUE(b.wait_closed(1s));
  EXPECT_EQ(server.handler.closed().size(), 2u);
}

}  // namespace
}  // namespace sluice::server::network
