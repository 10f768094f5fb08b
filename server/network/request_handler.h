// The seam between the network layer and request dispatch. The network layer
// frames requests and guarantees Kafka's per-connection ordering; the handler
// decodes, executes and encodes.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/network/response.h"

namespace sluice::server::network {

struct ConnectionInfo {
  std::uint64_t id = 0;
  std::string listener_name;
  asio::ip::tcp::endpoint peer;  // IPv4-mapped IPv6 peers are shown as IPv4.
  asio::ip::tcp::endpoint local;
};

struct HandlerResult {
  // Empty for requests Kafka never answers (Produce with acks=0).
  std::optional<Response> response;
  // Close after flushing the responses already queued, e.g. when the request
  // header can't be parsed (Kafka closes such connections).
  bool close_connection = false;
};

class RequestHandler {
 public:
  virtual ~RequestHandler() = default;

  // `frame` is one whole request without its size prefix. Called one request
  // at a time per connection, in arrival order, on the connection's executor.
  // May suspend (long-poll Fetch); other connections keep being served.
  // `connection` stays valid until connection_closed() has returned. A
  // response whose size prefix doesn't match its length closes the connection.
  virtual asio::awaitable<HandlerResult> handle(const ConnectionInfo& connection, std::vector<std::uint8_t> frame) = 0;

  // Called once, on the connection's executor, after the last handle() of the
  // connection has returned and the socket is closed.
  virtual void connection_closed(const ConnectionInfo& /*connection*/) {}
};

}  // namespace sluice::server::network
