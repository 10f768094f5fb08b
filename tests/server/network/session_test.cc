// Per-connection behaviour over real loopback sockets: framing, ordering,
// back-pressure, sendfile, idle and close rules.
#include "server/network/session.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <random>
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
using testing::TestClient;
using testing::TestServer;

std::vector<std::uint8_t> bytes(const std::string& text) { return {text.begin(), text.end()}; }

std::vector<std::uint8_t> numbered(std::uint32_t index, std::size_t padding) {
  auto payload = testing::be32(index);
  payload.insert(payload.begin(), 'e');
  for (std::size_t i = 0; i < padding; ++i) payload.push_back(static_cast<std::uint8_t>(index + i));
  return payload;
}

TEST(Session, PipelinedResponsesComeBackInRequestOrder) {
  TestServer server;
  server.handler.max_delay = 300us;  // later requests often finish "sooner" if run in parallel
  TestClient client(server.port);
  ASSERT_TRUE(client.connected());

  constexpr std::uint32_t kRequests = 1000;
  std::thread writer([&] {
    for (std::uint32_t i = 0; i < kRequests; ++i) ASSERT_TRUE(client.send_frame(numbered(i, i % 200)));
  });
  for (std::uint32_t i = 0; i < kRequests; ++i) {
    auto response = client.read_frame();
    ASSERT_TRUE(response.has_value()) << "response " << i;
    ASSERT_EQ(*response, numbered(i, i % 200)) << "response " << i;
  }
  writer.join();
  EXPECT_EQ(server.handler.calls(), static_cast<int>(kRequests));
  EXPECT_FALSE(server.handler.overlapped()) << "two requests of one connection were processed at once";
}

TEST(Session, SuspendedHandlerDoesNotStallOtherConnections) {
  auto config = testing::loopback_config();
  config.num_network_threads = 1;  // both connections on the same thread
  TestServer server(config);
  TestClient blocked(server.port);
  TestClient other(server.port);
  ASSERT_TRUE(blocked.connected() && other.connected());

  ASSERT_TRUE(blocked.send_frame(bytes("Bwait")));
  ASSERT_TRUE(eventually([&] { return server.handler.blocked() == 1; }));
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(other.send_frame(bytes("echo" + std::to_string(i))));
    auto response = other.read_frame(2s);
    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(*response, bytes("echo" + std::to_string(i)));
  }
  // The blocked connection keeps its order: its next request waits its turn.
  ASSERT_TRUE(blocked.send_frame(bytes("after")));
  EXPECT_FALSE(blocked.read_frame(100ms).has_value());
  server.handler.open_gate();
  EXPECT_EQ(blocked.read_frame(), bytes("Bwait"));
  EXPECT_EQ(blocked.read_frame(), bytes("after"));
}

TEST(Session, OversizeSizePrefixClosesBeforeReadingTheBody) {
  TestServer server;  // socket.request.max.bytes at its 100 MiB default
  TestClient client(server.port);
  ASSERT_TRUE(client.connected());
  // Claims 2 GiB - 1 and sends nothing more: the broker must close at once,
  // not allocate and wait for the body.
  ASSERT_TRUE(client.send_all(testing::be32(0x7fffffffu)));
  EXPECT_TRUE(client.wait_closed(2s));
  EXPECT_EQ(server.handler.calls(), 0);
}

TEST(Session, SizeAboveRequestMaxBytesClosesAndTheLimitItselfIsAllowed) {
  auto config = testing::loopback_config();
  config.socket_request_max_bytes = 1000;
  TestServer server(config);

  TestClient at_limit(server.port);
  std::vector<std::uint8_t> payload(1000, 'a');
  ASSERT_TRUE(at_limit.send_frame(payload));
  EXPECT_EQ(at_limit.read_frame(), payload);

  TestClient over(server.port);
  ASSERT_TRUE(over.send_all(testing::be32(1001)));
  EXPECT_TRUE(over.wait_closed(2s));
  EXPECT_EQ(server.handler.calls(), 1);
}

TEST(Session, NegativeSizeCloses) {
  TestServer server;
  for (std::uint32_t size : {0xffffffffu, 0x80000000u}) {
    TestClient client(server.port);
    ASSERT_TRUE(client.send_all(testing::be32(size)));
    EXPECT_TRUE(client.wait_closed(2s)) << size;
  }
  EXPECT_EQ(server.handler.calls(), 0);
}

TEST(Session, EmptyFrameReachesTheHandler) {
  TestServer server;
  TestClient client(server.port);
  ASSERT_TRUE(client.send_all(testing::be32(0)));
  auto response = client.read_frame();
  ASSERT_TRUE(response.has_value());
  EXPECT_TRUE(response->empty());
}

TEST(Session, IdleConnectionIsClosedAndBusyOneIsNot) {
  auto config = testing::loopback_config();
  config.connections_max_idle_ms = 300;
  TestServer server(config);
  TestClient idle(server.port);
  TestClient busy(server.port);
  ASSERT_TRUE(idle.connected() && busy.connected());

  EXPECT_FALSE(idle.wait_closed(100ms));  // not before connections.max.idle.ms
  for (int i = 0; i < 12; ++i) {          // 600 ms of traffic, a request every 50 ms
    ASSERT_TRUE(busy.send_frame(bytes("ping")));
    ASSERT_EQ(busy.read_frame(1s), bytes("ping")) << "busy connection closed after " << i << " requests";
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_TRUE(idle.wait_closed(2s));
  EXPECT_TRUE(busy.wait_closed(2s));  // and closes once it goes quiet
  EXPECT_TRUE(eventually([&] { return server.handler.closed().size() == 2; }));
}

TEST(Session, HandlerInProgressIsNotIdle) {
  auto config = testing::loopback_config();
  config.connections_max_idle_ms = 100;
  TestServer server(config);
  server.handler.slow_delay = 400ms;  // a long-poll Fetch longer than the idle timeout
  TestClient client(server.port);
  ASSERT_TRUE(client.send_frame(bytes("Slow")));
  EXPECT_EQ(client.read_frame(2s), bytes("Slow"));
}

TEST(Session, FileRangeChunkIsSentByteExactWithSendfile) {
  char path[] = "/tmp/sluice_sendfile_XXXXXX";
  const int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ::unlink(path);
  std::vector<std::uint8_t> contents(3u << 20);
  std::mt19937 random(42);
  for (auto& byte : contents) byte = static_cast<std::uint8_t>(random());
  ASSERT_EQ(::write(fd, contents.data(), contents.size()), static_cast<ssize_t>(contents.size()));
  auto owner = std::shared_ptr<int>(new int(fd), [](int* held) {
    ::close(*held);
    delete held;
  });

  TestServer server;
  server.handler.serve_file(owner, fd);
  TestClient client(server.port);

  // Pipelined: file responses interleaved with memory-only ones, one range
  // large enough to need several sendfile calls and writability waits.
  struct Range {
    std::uint64_t offset, length;
  };
  const std::vector<Range> ranges = {{123457, 700001}, {1, 1}, {0, 3u << 20}, {2999999, 0}, {1048576, 65536}};
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    std::vector<std::uint8_t> request = {'F'};
    for (std::uint64_t value : {ranges[i].offset, ranges[i].length}) {
      for (int shift = 56; shift >= 0; shift -= 8) request.push_back(static_cast<std::uint8_t>(value >> shift));
    }
    ASSERT_TRUE(client.send_frame(request));
    ASSERT_TRUE(client.send_frame(bytes("mem" + std::to_string(i))));
  }
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    auto response = client.read_frame();
    ASSERT_TRUE(response.has_value()) << i;
    std::vector<std::uint8_t> expected(
        contents.begin() + static_cast<std::ptrdiff_t>(ranges[i].offset),
        contents.begin() + static_cast<std::ptrdiff_t>(ranges[i].offset + ranges[i].length));
    const auto trailer = testing::FakeHandler::trailer();
    expected.insert(expected.end(), trailer.begin(), trailer.end());
    ASSERT_EQ(response->size(), expected.size()) << i;
    EXPECT_TRUE(*response == expected) << "file range " << i << " differs";
    EXPECT_EQ(client.read_frame(), bytes("mem" + std::to_string(i)));
  }
}

TEST(Session, ClientThatNeverReadsStopsBeingRead) {
  auto config = testing::loopback_config();
  config.socket_send_buffer_bytes = 16384;
  config.socket_receive_buffer_bytes = 16384;
  config.max_unsent_response_bytes_per_connection = 64 * 1024;
  config.max_queued_requests_per_connection = 8;
  TestServer server(config);
  TestClient client(server.port, /*receive_buffer=*/16384, /*send_buffer=*/16384);
  ASSERT_TRUE(client.connected());

  constexpr int kRequests = 3000;  // 3 MB of requests, 3 MB of responses
  std::thread writer([&] {
    for (int i = 0; i < kRequests; ++i) {
      if (!client.send_frame(numbered(static_cast<std::uint32_t>(i), 1024))) return;
    }
  });
  // While the client doesn't read, the handler sees a plateau well below
  // the number of requests sent.
  int previous = -1;
  for (int stable = 0; stable < 15;) {
    std::this_thread::sleep_for(20ms);
    const int now = server.handler.calls();
    stable = now == previous ? stable + 1 : 0;
    previous = now;
  }
  EXPECT_LT(previous, 600) << "responses kept being produced for a client that does not read";
  EXPECT_GT(previous, 8);

  for (int i = 0; i < kRequests; ++i) {
    auto response = client.read_frame();
    ASSERT_TRUE(response.has_value()) << i;
    ASSERT_EQ(*response, numbered(static_cast<std::uint32_t>(i), 1024)) << i;
  }
  writer.join();
  EXPECT_EQ(server.handler.calls(), kRequests);
}

TEST(Session, UnparsableRequestClosesAfterEarlierResponses) {
  TestServer server;
  TestClient client(server.port);
  for (const char* request : {"a", "b", "X", "c"}) ASSERT_TRUE(client.send_frame(bytes(request)));
  EXPECT_EQ(client.read_frame(), bytes("a"));
  EXPECT_EQ(client.read_frame(), bytes("b"));
  EXPECT_TRUE(client.wait_closed(2s));
  EXPECT_EQ(server.handler.calls(), 3);  // "c" is never handled
}

TEST(Session, ResponseWithAWrongSizePrefixClosesTheConnection) {
  TestServer server;
  TestClient client(server.port);
  for (const char* request : {"a", "Mangled", "b"}) ASSERT_TRUE(client.send_frame(bytes(request)));
  EXPECT_EQ(client.read_frame(), bytes("a"));
  EXPECT_TRUE(client.wait_closed(2s));
}

TEST(Session, RequestsWithoutResponseKeepTheOrder) {
  TestServer server;
  TestClient client(server.port);
  for (const char* request : {"a", "N1", "b", "N2", "N3", "c"}) ASSERT_TRUE(client.send_frame(bytes(request)));
  EXPECT_EQ(client.read_frame(), bytes("a"));
  EXPECT_EQ(client.read_frame(), bytes("b"));
  EXPECT_EQ(client.read_frame(), bytes("c"));
  EXPECT_EQ(server.handler.calls(), 6);
}

TEST(Session, PeerHalfCloseStillProcessesReceivedRequests) {
  TestServer server;
  server.handler.max_delay = 2000us;
  TestClient client(server.port);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(client.send_frame(numbered(static_cast<std::uint32_t>(i), 10)));
  client.shutdown_write();  // like an acks=0 producer closing right after sending
  for (int i = 0; i < 5; ++i) EXPECT_EQ(client.read_frame(), numbered(static_cast<std::uint32_t>(i), 10));
  EXPECT_TRUE(client.wait_closed(2s));
  EXPECT_EQ(server.handler.calls(), 5);
}

TEST(Session, BrokerWideQueueLimitStillServesPipelinedRequestsInOrder) {
  auto config = testing::loopback_config();
  config.queued_max_requests = 1;
  TestServer server(config);
  server.handler.max_delay = 100us;
  TestClient a(server.port);
  TestClient b(server.port);
  for (std::uint32_t i = 0; i < 200; ++i) {
    ASSERT_TRUE(a.send_frame(numbered(i, 8)));
    ASSERT_TRUE(b.send_frame(numbered(i, 9)));
  }
  for (std::uint32_t i = 0; i < 200; ++i) {
    ASSERT_EQ(a.read_frame(), numbered(i, 8));
    ASSERT_EQ(b.read_frame(), numbered(i, 9));
  }
}

TEST(Session, ConnectionClosedIsReportedOnceWithTheConnectionsDetails) {
  TestServer server;
  {
    TestClient client(server.port);
    ASSERT_TRUE(client.send_frame(bytes("hi")));
    ASSERT_EQ(client.read_frame(), bytes("hi"));
  }
  ASSERT_TRUE(eventually([&] { return server.handler.closed().size() == 1; }));
  const auto closed = server.handler.closed();
  EXPECT_EQ(closed[0].listener_name, "PLAINTEXT");
  EXPECT_EQ(closed[0].peer.address().to_string(), "127.0.0.1");
  EXPECT_EQ(closed[0].local.port(), server.port);
  EXPECT_EQ(server.runtime->active_connections(), 0);
}

}  // namespace
}  // namespace sluice::server::network
