// Kafka's Acceptor: one bound socket of one listener. It takes connections
// while the broker is under max.connections, closes those beyond
// max.connections.per.ip, sets the socket options and hands each connection
// to the next network thread.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <atomic>
#include <cstdint>
#include <string>

#include "protocol/result.h"
#include "server/network/connection_quotas.h"
#include "server/network/network_config.h"
#include "server/network/network_thread.h"

namespace sluice::server::network {

// Where accepted connections go; NetworkRuntime implements it. Both calls
// happen on the acceptor thread.
class ConnectionSink {
 public:
  virtual ~ConnectionSink() = default;
  // The thread the next connection is accepted onto (round-robin).
  virtual NetworkThread& next_thread() = 0;
  virtual void hand_off(NetworkThread& thread, const ListenerConfig& listener, asio::ip::tcp::socket socket,
                        ConnectionQuotas::Slot slot) = 0;
};

class Listener {
 public:
  // Everything but open() and the stats runs on `acceptor_context`'s thread.
  Listener(asio::io_context& acceptor_context, ListenerConfig config, const NetworkConfig& network,
           ConnectionQuotas& quotas, ConnectionSink& sink);

  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // Binds and listens, synchronously, so the real port is known right away.
  protocol::Status open();
  void start_accepting();
  void close();
  // A connection slot was freed: retry if waiting at max.connections.
  void wake() { slot_freed_.cancel(); }

  const ListenerConfig& config() const { return config_; }
  asio::ip::tcp::endpoint local_endpoint() const { return local_endpoint_; }

  std::uint64_t accepted() const { return accepted_.load(std::memory_order_relaxed); }
  std::uint64_t rejected() const { return rejected_.load(std::memory_order_relaxed); }

 private:
  asio::awaitable<void> accept_loop();
  asio::awaitable<void> wait_for_slot();
  void configure(asio::ip::tcp::socket& socket) const;

  asio::io_context& context_;
  const ListenerConfig config_;
  const NetworkConfig& network_;
  ConnectionQuotas& quotas_;
  ConnectionSink& sink_;
  asio::ip::tcp::acceptor acceptor_;
  asio::steady_timer slot_freed_;
  asio::ip::tcp::endpoint local_endpoint_;
  bool open_ = false;
  std::atomic<std::uint64_t> accepted_{0};
  std::atomic<std::uint64_t> rejected_{0};
};

}  // namespace sluice::server::network
