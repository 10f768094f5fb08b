// Knobs of the network layer, named after the Kafka broker configs they
// mirror. Plain data: parsing broker properties is the config layer's job.
#pragma once

#include <asio/ip/address.hpp>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/result.h"

namespace sluice::server::network {

// One entry of Kafka's `listeners`, e.g. PLAINTEXT://host:9092.
struct ListenerConfig {
  std::string name;        // e.g. "PLAINTEXT"
  std::string host;        // empty: all interfaces (IPv6 dual-stack when available)
  std::uint16_t port = 0;  // 0: an ephemeral port, see NetworkRuntime::bound_port
};

struct NetworkConfig {
  std::vector<ListenerConfig> listeners;
  int num_network_threads = 3;                        // num.network.threads
  std::int32_t socket_request_max_bytes = 104857600;  // socket.request.max.bytes
  int socket_send_buffer_bytes = 102400;              // socket.send.buffer.bytes; -1: OS default
  int socket_receive_buffer_bytes = 102400;           // socket.receive.buffer.bytes; -1: OS default
  int socket_listen_backlog_size = 50;                // socket.listen.backlog.size (KIP-764)
  std::int64_t connections_max_idle_ms = 600000;      // connections.max.idle.ms; <= 0: never
  // max.connections: at the limit the broker stops accepting until a
  // connection closes (new ones wait in the listen backlog), as Kafka does.
  std::int32_t max_connections = std::numeric_limits<std::int32_t>::max();
  // max.connections.per.ip: a connection beyond it is closed right after accept.
  std::int32_t max_connections_per_ip = std::numeric_limits<std::int32_t>::max();
  // max.connections.per.ip.overrides, see parse_max_connections_per_ip_overrides.
  std::map<asio::ip::address, std::int32_t> max_connections_per_ip_overrides;
  // queued.max.requests: requests read ahead but not yet started, broker-wide.
  // Every connection may always queue one request (Kafka's model: one request
  // per connection in flight), so hitting this only stops pipelining.
  std::int32_t queued_max_requests = 500;
  // Per-connection read-ahead of pipelined requests; reading stops at either.
  std::int32_t max_queued_requests_per_connection = 32;
  std::size_t max_queued_request_bytes_per_connection = std::size_t{16} << 20;
  // Back-pressure: beyond this many response bytes not yet written to the
  // socket, a connection stops processing and reading until the client reads.
  std::size_t max_unsent_response_bytes_per_connection = std::size_t{16} << 20;
};

// Parses Kafka's max.connections.per.ip.overrides, "ip:count,ip2:count"
// (IPv6 literals may be bracketed: "[::1]:5"). Hostnames are not resolved
// here: only IP literals are accepted. Fails with INVALID_CONFIG.
protocol::Result<std::map<asio::ip::address, std::int32_t>> parse_max_connections_per_ip_overrides(
    std::string_view text);

// Checks the values start() relies on; INVALID_CONFIG on the first problem.
protocol::Status validate(const NetworkConfig& config);

}  // namespace sluice::server::network
