// A scriptable RequestHandler for the network tests. The first byte of a
// request picks the behaviour:
//   'X' close the connection (as for an unparsable request header)
//   'N' no response (as for acks=0 Produce)
//   'M' a response whose size prefix is one byte short (a handler bug)
//   'B' suspend until open_gate(), then echo
//   'S' suspend for slow_delay, then echo
//   'F' answer with [prefix][file range][trailer]; bytes 1..8 offset,
//       9..16 length (big-endian) into the file given to serve_file()
//   anything else: echo, after a pseudo-random delay of up to max_delay.
#pragma once

#include <algorithm>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "server/network/request_handler.h"
#include "tests/server/network/test_client.h"

namespace sluice::server::network::testing {

class FakeHandler : public RequestHandler {
 public:
  std::chrono::microseconds max_delay{0};
  std::chrono::milliseconds slow_delay{300};

  asio::awaitable<HandlerResult> handle(const ConnectionInfo& connection, std::vector<std::uint8_t> frame) override {
    calls_.fetch_add(1);
    {
      std::lock_guard lock(mutex_);
      if (!busy_.insert(connection.id).second) overlapped_ = true;  // two requests of one connection at once
    }
    const std::uint8_t kind = frame.empty() ? 0 : frame[0];
    auto executor = co_await asio::this_coro::executor;
    asio::steady_timer timer(executor);
    if (kind == 'B') {
      blocked_.fetch_add(1);
      while (!gate_open_.load()) {
        timer.expires_after(std::chrono::milliseconds(1));
        co_await timer.async_wait(asio::use_awaitable);
      }
    } else if (kind == 'S') {
      slow_started_.fetch_add(1);
      timer.expires_after(slow_delay);
      co_await timer.async_wait(asio::use_awaitable);
    } else if (max_delay.count() > 0) {
      std::uint64_t hash = 1469598103934665603ull;
      for (auto byte : frame) hash = (hash ^ byte) * 1099511628211ull;
      timer.expires_after(std::chrono::microseconds(hash % static_cast<std::uint64_t>(max_delay.count())));
      co_await timer.async_wait(asio::use_awaitable);
    }

    HandlerResult result;
    if (kind == 'X') {
      result.close_connection = true;
    } else if (kind == 'F') {
      result.response = file_response(frame);
    } else if (kind == 'M') {
      auto bad = framed(frame);
      bad.push_back(0);
      result.response = Response(std::move(bad));
    } else if (kind != 'N') {
      result.response = Response(framed(frame));
    }
    {
      std::lock_guard lock(mutex_);
      busy_.erase(connection.id);
    }
    completed_.fetch_add(1);
    co_return result;
  }

  void connection_closed(const ConnectionInfo& connection) override {
    std::lock_guard lock(mutex_);
    closed_.push_back(connection);
  }

  void open_gate() { gate_open_.store(true); }
  void serve_file(std::shared_ptr<const void> owner, int fd) {
    file_owner_ = std::move(owner);
    file_fd_ = fd;
  }

  int calls() const { return calls_.load(); }
  int completed() const { return completed_.load(); }
  int blocked() const { return blocked_.load(); }
  int slow_started() const { return slow_started_.load(); }
  bool overlapped() const {
    std::lock_guard lock(mutex_);
    return overlapped_;
  }
  std::vector<ConnectionInfo> closed() const {
    std::lock_guard lock(mutex_);
    return closed_;
  }

  // What the 'F' response's trailer holds, so the test can check it.
  static std::vector<std::uint8_t> trailer() { return {'E', 'N', 'D'}; }

 private:
  Response file_response(const std::vector<std::uint8_t>& frame) const {
    auto read64 = [&](std::size_t at) {
      std::uint64_t value = 0;
      for (std::size_t i = 0; i < 8; ++i) value = (value << 8) | frame.at(at + i);
      return value;
    };
    const std::uint64_t offset = read64(1);
    const std::uint64_t length = read64(9);
    const auto tail = trailer();
    Response response(be32(static_cast<std::uint32_t>(length + tail.size())));
    response.append(FileRange{file_owner_, file_fd_, offset, length});
    response.append(tail);
    return response;
  }

  std::atomic<int> calls_{0};
  std::atomic<int> completed_{0};
  std::atomic<int> blocked_{0};
  std::atomic<int> slow_started_{0};
  std::atomic<bool> gate_open_{false};
  std::shared_ptr<const void> file_owner_;
  int file_fd_ = -1;
  mutable std::mutex mutex_;
  std::set<std::uint64_t> busy_;
  bool overlapped_ = false;
  std::vector<ConnectionInfo> closed_;
};

// Polls `condition` until it holds or `timeout` passes.
template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

}  // namespace sluice::server::network::testing
