// Kafka's SocketServer: the listeners' acceptors on one acceptor thread and
// num.network.threads network threads that own the connections, handed out
// round-robin. Requests go to one RequestHandler.
#pragma once

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "protocol/result.h"
#include "server/network/connection_quotas.h"
#include "server/network/listener.h"
#include "server/network/network_config.h"
#include "server/network/network_thread.h"
#include "server/network/request_budget.h"
#include "server/network/request_handler.h"
#include "server/network/session.h"

namespace sluice::server::network {

class NetworkRuntime : private ConnectionSink {
 public:
  // `handler` must outlive the runtime.
  NetworkRuntime(NetworkConfig config, RequestHandler& handler);
  ~NetworkRuntime() override;  // stop() with no drain time if still running

  NetworkRuntime(const NetworkRuntime&) = delete;
  NetworkRuntime& operator=(const NetworkRuntime&) = delete;

  // Binds every listener, then starts the threads. Fails (and leaves nothing
  // running) on a bad config or a port that can't be bound.
  protocol::Status start();

  // Graceful shutdown: stop accepting; every connection stops reading, drops
  // requests it has not started, finishes the one in flight and flushes its
  // responses; whatever hasn't closed by `drain_timeout` is closed. Joins all
  // threads. Must not be called from a network thread. Idempotent.
  void stop(std::chrono::milliseconds drain_timeout = std::chrono::seconds(30));

  // After start(): the port actually bound (useful when 0 was asked).
  std::optional<std::uint16_t> bound_port(std::string_view listener_name) const;
  std::vector<std::pair<std::string, asio::ip::tcp::endpoint>> bound_endpoints() const;

  // Metrics.
  std::int32_t active_connections() const { return quotas_.active(); }
  std::uint64_t accepted_connections() const;
  std::uint64_t rejected_connections() const;  // over max.connections.per.ip

 private:
  NetworkThread& next_thread() override;
  void hand_off(NetworkThread& thread, const ListenerConfig& listener, asio::ip::tcp::socket socket,
                ConnectionQuotas::Slot slot) override;
  void stop_acceptors();

  const NetworkConfig config_;
  RequestHandler& handler_;
  const SessionLimits limits_;
  // Declared before the threads: sessions destroyed with them release here.
  ConnectionQuotas quotas_;
  RequestBudget budget_;

  asio::io_context acceptor_context_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> acceptor_work_;
  std::vector<std::unique_ptr<NetworkThread>> threads_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::thread acceptor_thread_;

  // Acceptor thread only.
  std::size_t next_thread_ = 0;
  std::uint64_t next_connection_id_ = 0;

  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace sluice::server::network
