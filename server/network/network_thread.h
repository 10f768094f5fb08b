// One of Kafka's network Processor threads: an io_context run by a single
// thread, owning the sessions it was handed. Sessions need no locks because
// everything of theirs runs here.
#pragma once

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "server/network/session.h"

namespace sluice::server::network {

class NetworkThread {
 public:
  explicit NetworkThread(std::size_t index);
  ~NetworkThread();

  NetworkThread(const NetworkThread&) = delete;
  NetworkThread& operator=(const NetworkThread&) = delete;

  asio::io_context& context() { return context_; }
  std::size_t index() const { return index_; }

  void start();

  // Creates, registers and starts the session of an accepted socket (bound
  // to context()); call on this thread.
  void adopt(asio::ip::tcp::socket socket, ConnectionInfo info, const SessionLimits& limits, RequestHandler& handler,
             RequestBudget& budget, ConnectionQuotas::Slot slot);

  std::size_t session_count() const { return sessions_.size(); }  // this thread only

  // Thread-safe: ask every session to finish gracefully / close now.
  void begin_graceful_close_all();
  void close_all();

  // Thread-safe, not from this thread: lets the loop run out of work and joins
  // it; if it hasn't by `deadline` (a handler that never returns), stops it.
  void stop(std::chrono::steady_clock::time_point deadline);

 private:
  void run();

  const std::size_t index_;
  asio::io_context context_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::unordered_map<std::uint64_t, std::weak_ptr<Session>> sessions_;  // this thread only
  std::thread thread_;

  std::mutex mutex_;
  std::condition_variable finished_cv_;
  bool finished_ = false;
};

}  // namespace sluice::server::network
