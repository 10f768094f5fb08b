#include "server/network/network_runtime.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <asio/post.hpp>
#include <exception>
#include <utility>

namespace sluice::server::network {
namespace {

// After the drain timeout, how long closed connections get to unwind before
// the network threads are stopped regardless.
constexpr std::chrono::milliseconds kForcedCloseGrace{500};

}  // namespace

NetworkRuntime::NetworkRuntime(NetworkConfig config, RequestHandler& handler)
    : config_(std::move(config)),
      handler_(handler),
      limits_(SessionLimits::from(config_)),
      quotas_(config_.max_connections, config_.max_connections_per_ip, config_.max_connections_per_ip_overrides),
      budget_(config_.queued_max_requests) {}

NetworkRuntime::~NetworkRuntime() { stop(std::chrono::milliseconds(0)); }

protocol::Status NetworkRuntime::start() {
  if (started_) return {protocol::ErrorCode::UNKNOWN_SERVER_ERROR, "network runtime already started"};
  if (auto status = validate(config_); !status.ok()) return status;

  for (int i = 0; i < config_.num_network_threads; ++i) {
    threads_.push_back(std::make_unique<NetworkThread>(static_cast<std::size_t>(i)));
  }
  ConnectionSink& sink = *this;
  for (const auto& listener_config : config_.listeners) {
    auto listener = std::make_unique<Listener>(acceptor_context_, listener_config, config_, quotas_, sink);
    if (auto status = listener->open(); !status.ok()) {
      listeners_.clear();
      threads_.clear();
      return status;
    }
    listeners_.push_back(std::move(listener));
  }

  started_ = true;
  quotas_.set_on_release([this] {
    asio::post(acceptor_context_, [this] {
      for (auto& listener : listeners_) listener->wake();
    });
  });
  for (auto& thread : threads_) thread->start();
  for (auto& listener : listeners_) listener->start_accepting();
  acceptor_work_.emplace(asio::make_work_guard(acceptor_context_));
  acceptor_thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "sluice-acceptor");
    for (;;) {
      try {
        acceptor_context_.run();
        break;
      } catch (const std::exception& e) {
        spdlog::error("acceptor thread: {}", e.what());
      }
    }
  });
  return {};
}

void NetworkRuntime::stop_acceptors() {
  asio::post(acceptor_context_, [this] {
    for (auto& listener : listeners_) listener->close();
    acceptor_work_.reset();
  });
  acceptor_thread_.join();
  // No acceptor left to wake, and the context is about to go.
  quotas_.set_on_release({});
}

void NetworkRuntime::stop(std::chrono::milliseconds drain_timeout) {
  if (!started_ || stopped_) return;
  stopped_ = true;
  const auto deadline = std::chrono::steady_clock::now() + drain_timeout;
  spdlog::info("network: stopping, {} connection(s) open", quotas_.active());

  stop_acceptors();
  // Every hand-off is queued on its thread by now, ahead of these requests.
  for (auto& thread : threads_) thread->begin_graceful_close_all();
  if (!quotas_.wait_until_empty(deadline)) {
    spdlog::warn("network: {} connection(s) not drained in {} ms, closing them", quotas_.active(),
                 drain_timeout.count());
    for (auto& thread : threads_) thread->close_all();
    quotas_.wait_until_empty(std::chrono::steady_clock::now() + kForcedCloseGrace);
  }
  const auto thread_deadline = std::chrono::steady_clock::now() + kForcedCloseGrace;
  for (auto& thread : threads_) thread->stop(thread_deadline);
  spdlog::info("network: stopped");
}

std::optional<std::uint16_t> NetworkRuntime::bound_port(std::string_view listener_name) const {
  for (const auto& listener : listeners_) {
    if (listener->config().name == listener_name) return listener->local_endpoint().port();
  }
  return std::nullopt;
}

std::vector<std::pair<std::string, asio::ip::tcp::endpoint>> NetworkRuntime::bound_endpoints() const {
  std::vector<std::pair<std::string, asio::ip::tcp::endpoint>> endpoints;
  for (const auto& listener : listeners_) endpoints.emplace_back(listener->config().name, listener->local_endpoint());
  return endpoints;
}

std::uint64_t NetworkRuntime::accepted_connections() const {
  std::uint64_t total = 0;
  for (const auto& listener : listeners_) total += listener->accepted();
  return total;
}

std::uint64_t NetworkRuntime::rejected_connections() const {
  std::uint64_t total = 0;
  for (const auto& listener : listeners_) total += listener->rejected();
  return total;
}

NetworkThread& NetworkRuntime::next_thread() {
  NetworkThread& thread = *threads_[next_thread_];
  next_thread_ = (next_thread_ + 1) % threads_.size();
  return thread;
}

void NetworkRuntime::hand_off(NetworkThread& thread, const ListenerConfig& listener, asio::ip::tcp::socket socket,
                              ConnectionQuotas::Slot slot) {
  ConnectionInfo info;
  info.id = ++next_connection_id_;
  info.listener_name = listener.name;
  std::error_code ec;
  const auto peer = socket.remote_endpoint(ec);
  info.peer = asio::ip::tcp::endpoint(canonical_address(peer.address()), peer.port());
  const auto local = socket.local_endpoint(ec);
  info.local = asio::ip::tcp::endpoint(canonical_address(local.address()), local.port());
  asio::post(thread.context(),
             [this, &thread, socket = std::move(socket), info = std::move(info), slot = std::move(slot)]() mutable {
               thread.adopt(std::move(socket), std::move(info), limits_, handler_, budget_, std::move(slot));
             });
}

}  // namespace sluice::server::network
