#include "server/network/listener.h"

#include <spdlog/spdlog.h>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/ip/address.hpp>
#include <asio/ip/v6_only.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <chrono>
#include <exception>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace sluice::server::network {
namespace {

// After an accept error such as EMFILE, wait before retrying rather than spin.
constexpr std::chrono::milliseconds kAcceptErrorBackoff{100};

}  // namespace

Listener::Listener(asio::io_context& acceptor_context, ListenerConfig config, const NetworkConfig& network,
                   ConnectionQuotas& quotas, ConnectionSink& sink)
    : context_(acceptor_context),
      config_(std::move(config)),
      network_(network),
      quotas_(quotas),
      sink_(sink),
      acceptor_(acceptor_context),
      slot_freed_(acceptor_context) {}

protocol::Status Listener::open() {
  using asio::ip::tcp;
  std::vector<tcp::endpoint> candidates;
  if (config_.host.empty()) {
    // Every interface: IPv6 dual-stack if the host has IPv6, else IPv4.
    candidates = {tcp::endpoint(asio::ip::address_v6::any(), config_.port),
                  tcp::endpoint(asio::ip::address_v4::any(), config_.port)};
  } else {
    std::error_code ec;
    const auto address = asio::ip::make_address(config_.host, ec);
    if (!ec) {
      candidates.emplace_back(address, config_.port);
    } else {
      tcp::resolver resolver(context_);
      const auto results = resolver.resolve(config_.host, std::to_string(config_.port), ec);
      if (ec) {
        return {protocol::ErrorCode::INVALID_CONFIG,
                "listener " + config_.name + ": cannot resolve " + config_.host + ": " + ec.message()};
      }
      for (const auto& entry : results) candidates.push_back(entry.endpoint());
    }
  }

  std::string failure;
  for (const auto& endpoint : candidates) {
    std::error_code ec;
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec && endpoint.address().is_v6() && endpoint.address().is_unspecified()) {
      acceptor_.set_option(asio::ip::v6_only(false), ec);
    }
    if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
    // Set before listen so accepted sockets inherit it and the window scale
    // offered in the handshake matches.
    if (!ec && network_.socket_receive_buffer_bytes != -1) {
      acceptor_.set_option(asio::socket_base::receive_buffer_size(network_.socket_receive_buffer_bytes), ec);
    }
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(network_.socket_listen_backlog_size, ec);
    if (!ec) local_endpoint_ = acceptor_.local_endpoint(ec);
    if (!ec) {
      open_ = true;
      spdlog::info("listener {} bound to {}:{}", config_.name, local_endpoint_.address().to_string(),
                   local_endpoint_.port());
      return {};
    }
    failure = "listener " + config_.name + ": cannot listen on " + endpoint.address().to_string() + ":" +
              std::to_string(endpoint.port()) + ": " + ec.message();
    std::error_code ignored;
    acceptor_.close(ignored);
  }
  return {protocol::ErrorCode::UNKNOWN_SERVER_ERROR, failure};
}

void Listener::start_accepting() { asio::co_spawn(context_, accept_loop(), asio::detached); }

void Listener::close() {
  open_ = false;
  std::error_code ignored;
  acceptor_.close(ignored);
  slot_freed_.cancel();
}

asio::awaitable<void> Listener::wait_for_slot() {
  slot_freed_.expires_at(asio::steady_timer::time_point::max());
  std::error_code ec;
  co_await slot_freed_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

void Listener::configure(asio::ip::tcp::socket& socket) const {
  std::error_code ec;
  // Kafka sets TCP_NODELAY and SO_KEEPALIVE on every accepted socket, and
  // the buffer sizes unless -1 (the OS default).
  socket.set_option(asio::ip::tcp::no_delay(true), ec);
  socket.set_option(asio::socket_base::keep_alive(true), ec);
  if (network_.socket_send_buffer_bytes != -1) {
    socket.set_option(asio::socket_base::send_buffer_size(network_.socket_send_buffer_bytes), ec);
  }
  if (network_.socket_receive_buffer_bytes != -1) {
    socket.set_option(asio::socket_base::receive_buffer_size(network_.socket_receive_buffer_bytes), ec);
  }
}

asio::awaitable<void> Listener::accept_loop() {
  try {
    while (open_) {
      // max.connections: like Kafka's acceptor, take no new connection until
      // one closes; clients queue in the listen backlog meanwhile.
      while (open_ && quotas_.at_broker_limit()) co_await wait_for_slot();
      if (!open_) break;

      NetworkThread& thread = sink_.next_thread();
      std::error_code ec;
      asio::ip::tcp::socket socket = co_await acceptor_.async_accept(
          asio::any_io_executor(thread.context().get_executor()), asio::redirect_error(asio::use_awaitable, ec));
      if (!open_) break;
      if (ec) {
        spdlog::warn("listener {}: accept failed: {}", config_.name, ec.message());
        asio::steady_timer backoff(context_, kAcceptErrorBackoff);
        co_await backoff.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        continue;
      }
      const auto peer = socket.remote_endpoint(ec);
      if (ec) continue;  // reset before we got to it; the socket closes here

      ConnectionQuotas::Slot slot;
      bool refused = false;
      while (open_ && !slot && !refused) {
        auto admission = quotas_.try_acquire(peer.address());
        if (auto* granted = std::get_if<ConnectionQuotas::Slot>(&admission)) {
          slot = std::move(*granted);
        } else if (std::get<ConnectionQuotas::Refusal>(admission) == ConnectionQuotas::Refusal::kIpLimit) {
          refused = true;
        } else {
          co_await wait_for_slot();  // another listener took the last slot first
        }
      }
      if (refused) {
        // Kafka's TooManyConnectionsException: the new connection is closed.
        rejected_.fetch_add(1, std::memory_order_relaxed);
        spdlog::info("listener {}: rejected connection from {}: max.connections.per.ip reached", config_.name,
                     canonical_address(peer.address()).to_string());
        continue;
      }
      if (!slot) break;
      accepted_.fetch_add(1, std::memory_order_relaxed);
      configure(socket);
      sink_.hand_off(thread, config_, std::move(socket), std::move(slot));
    }
  } catch (const std::exception& e) {
    spdlog::error("listener {}: accept loop failed: {}", config_.name, e.what());
  }
}

}  // namespace sluice::server::network
