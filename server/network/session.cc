#include "server/network/session.h"

#include <spdlog/spdlog.h>
#include <sys/sendfile.h>

#include <algorithm>
#include <array>
#include <asio/bind_cancellation_slot.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/post.hpp>
#include <asio/read.hpp>
#include <asio/redirect_error.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <cerrno>
#include <exception>
#include <utility>

namespace sluice::server::network {
namespace {

// Gathered writes stop at this many buffers (well under IOV_MAX).
constexpr std::size_t kMaxGatherBuffers = 64;
// One sendfile(2) call moves at most this much before yielding the thread.
constexpr std::uint64_t kSendfileChunk = std::uint64_t{1} << 20;

std::int32_t read_be32(const std::array<std::uint8_t, 4>& bytes) {
  const std::uint32_t value = (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
                              (std::uint32_t{bytes[2]} << 8) | std::uint32_t{bytes[3]};
  return static_cast<std::int32_t>(value);
}

// The first chunk must start with the size of the rest; a handler bug here
// would desynchronise the client's framing for every later response.
bool size_prefix_matches(const Response& response) {
  if (response.chunks.empty()) return false;
  const auto* first = std::get_if<std::vector<std::uint8_t>>(&response.chunks.front());
  if (first == nullptr || first->size() < 4) return false;
  std::array<std::uint8_t, 4> prefix{};
  std::copy_n(first->begin(), 4, prefix.begin());
  return static_cast<std::uint32_t>(read_be32(prefix)) == response.size_bytes() - 4;
}

std::string describe(const ConnectionInfo& info) {
  return fmt::format("connection {} on {} from {}:{}", info.id, info.listener_name, info.peer.address().to_string(),
                     info.peer.port());
}

}  // namespace

SessionLimits SessionLimits::from(const NetworkConfig& config) {
  SessionLimits limits;
  limits.max_request_bytes = config.socket_request_max_bytes;
  limits.idle_timeout = std::chrono::milliseconds(std::max<std::int64_t>(config.connections_max_idle_ms, 0));
  limits.max_queued_requests = static_cast<std::size_t>(std::max(config.max_queued_requests_per_connection, 1));
  limits.max_queued_request_bytes = config.max_queued_request_bytes_per_connection;
  limits.max_unsent_response_bytes = config.max_unsent_response_bytes_per_connection;
  return limits;
}

Session::Wakeup::Wakeup(const asio::any_io_executor& executor)
    : timer_(executor, asio::steady_timer::time_point::max()) {}

asio::awaitable<void> Session::Wakeup::wait() {
  timer_.expires_at(asio::steady_timer::time_point::max());
  std::error_code ec;
  co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

Session::Session(asio::ip::tcp::socket socket, ConnectionInfo info, const SessionLimits& limits,
                 RequestHandler& handler, RequestBudget& budget, ConnectionQuotas::Slot slot, OnFinished on_finished)
    : socket_(std::move(socket)),
      info_(std::move(info)),
      limits_(limits),
      handler_(handler),
      budget_(budget),
      slot_(std::move(slot)),
      on_finished_(std::move(on_finished)),
      reader_wakeup_(socket_.get_executor()),
      processor_wakeup_(socket_.get_executor()),
      writer_wakeup_(socket_.get_executor()),
      idle_timer_(socket_.get_executor()) {}

Session::~Session() { clear_queued_requests(); }

void Session::start() {
  spdlog::debug("{} opened (local {}:{})", describe(info_), info_.local.address().to_string(), info_.local.port());
  touch();
  std::error_code ec;
  // sendfile(2) needs the socket itself non-blocking; Asio's own operations
  // are fine with that.
  socket_.native_non_blocking(true, ec);
  if (ec) {
    spdlog::warn("{}: cannot make socket non-blocking: {}", describe(info_), ec.message());
    close("socket setup failed");
  }
  const auto executor = socket_.get_executor();
  auto self = shared_from_this();
  running_tasks_ = limits_.idle_timeout.count() > 0 ? 4 : 3;
  asio::co_spawn(executor, read_loop(self), asio::detached);
  asio::co_spawn(executor, process_loop(self), asio::detached);
  asio::co_spawn(executor, write_loop(self), asio::detached);
  if (limits_.idle_timeout.count() > 0) asio::co_spawn(executor, idle_loop(self), asio::detached);
}

bool Session::may_read_next(bool& needs_budget_slot) {
  needs_budget_slot = false;
  if (responses_backlogged()) return false;
  // One queued request per connection is always allowed, like Kafka's one
  // request in flight per channel; deeper pipelining needs room here and in
  // the broker-wide queued.max.requests budget.
  if (requests_.empty()) return true;
  if (requests_.size() >= limits_.max_queued_requests || queued_bytes_ >= limits_.max_queued_request_bytes) {
    return false;
  }
  if (!budget_.try_acquire()) return false;
  needs_budget_slot = true;
  return true;
}

asio::awaitable<void> Session::read_loop([[maybe_unused]] std::shared_ptr<Session> self) {
  bool holds_budget = false;
  try {
    std::array<std::uint8_t, 4> prefix{};
    while (state_ == State::kOpen) {
      while (state_ == State::kOpen && !may_read_next(holds_budget)) co_await reader_wakeup_.wait();
      if (state_ != State::kOpen) break;

      std::error_code ec;
      co_await asio::async_read(
          socket_, asio::buffer(prefix),
          asio::bind_cancellation_slot(read_cancel_.slot(), asio::redirect_error(asio::use_awaitable, ec)));
      if (ec) {
        on_read_error(ec);
        break;
      }
      touch();
      const std::int32_t size = read_be32(prefix);
      // Kafka's InvalidReceiveException: refuse before allocating anything.
      if (size < 0 || size > limits_.max_request_bytes) {
        spdlog::warn("{}: invalid request size {} (socket.request.max.bytes {}), closing", describe(info_), size,
                     limits_.max_request_bytes);
        close("invalid request size");
        break;
      }
      std::vector<std::uint8_t> frame(static_cast<std::size_t>(size));
      if (size > 0) {
        co_await asio::async_read(
            socket_, asio::buffer(frame),
            asio::bind_cancellation_slot(read_cancel_.slot(), asio::redirect_error(asio::use_awaitable, ec)));
        if (ec) {
          on_read_error(ec);
          break;
        }
        touch();
      }
      if (state_ != State::kOpen) break;
      queued_bytes_ += frame.size();
      requests_.push_back({std::move(frame), std::exchange(holds_budget, false)});
      processor_wakeup_.notify();
    }
  } catch (const std::exception& e) {
    spdlog::error("{}: reader failed: {}", describe(info_), e.what());
    close("reader failed");
  }
  if (holds_budget) budget_.release();
  task_finished();
}

void Session::on_read_error(const std::error_code& ec) {
  if (state_ != State::kOpen) return;  // we cancelled the read ourselves
  if (ec == asio::error::eof) {
    spdlog::debug("{}: peer closed its side", describe(info_));
    begin_drain(/*discard_queued=*/false);
  } else {
    spdlog::debug("{}: read failed: {}", describe(info_), ec.message());
    close("read failed");
  }
}

asio::awaitable<void> Session::process_loop([[maybe_unused]] std::shared_ptr<Session> self) {
  try {
    for (;;) {
      while (state_ != State::kClosed && (requests_.empty() || responses_backlogged())) {
        if (requests_.empty() && state_ == State::kDraining) break;
        co_await processor_wakeup_.wait();
      }
      if (state_ == State::kClosed || requests_.empty()) break;

      QueuedRequest request = std::move(requests_.front());
      requests_.pop_front();
      queued_bytes_ -= request.frame.size();
      if (request.holds_budget) budget_.release();
      reader_wakeup_.notify();

      handler_busy_ = true;
      HandlerResult result = co_await handler_.handle(info_, std::move(request.frame));
      handler_busy_ = false;
      touch();
      if (state_ == State::kClosed) break;
      if (result.response) {
        if (!size_prefix_matches(*result.response)) {
          // Flush what came before it, then close: the client can't frame past it.
          spdlog::error("{}: handler returned a response whose size prefix is wrong, closing", describe(info_));
          begin_drain(/*discard_queued=*/true);
          continue;
        }
        unsent_bytes_ += result.response->size_bytes();
        responses_.push_back({std::move(*result.response), 0});
        writer_wakeup_.notify();
      }
      if (result.close_connection) begin_drain(/*discard_queued=*/true);
    }
  } catch (const std::exception& e) {
    handler_busy_ = false;
    spdlog::error("{}: request processing failed: {}", describe(info_), e.what());
    close("request processing failed");
  }
  processor_done_ = true;
  writer_wakeup_.notify();
  task_finished();
}

asio::awaitable<void> Session::write_loop([[maybe_unused]] std::shared_ptr<Session> self) {
  try {
    for (;;) {
      while (state_ != State::kClosed && responses_.empty() && !(state_ == State::kDraining && processor_done_)) {
        co_await writer_wakeup_.wait();
      }
      if (state_ == State::kClosed) break;
      if (responses_.empty()) {  // draining, and the last response is out
        close("drained");
        break;
      }
      PendingResponse& head = responses_.front();
      if (head.next_chunk == head.response.chunks.size()) {
        responses_.pop_front();
        backlog_shrank();
        continue;
      }
      std::error_code ec;
      if (const auto* range = std::get_if<FileRange>(&head.response.chunks[head.next_chunk])) {
        ec = co_await send_file_range(*range);
        if (!ec) ++head.next_chunk;
      } else {
        ec = co_await write_memory_chunks();
      }
      if (state_ == State::kClosed) break;
      if (ec) {
        spdlog::debug("{}: write failed: {}", describe(info_), ec.message());
        close("write failed");
        break;
      }
    }
  } catch (const std::exception& e) {
    spdlog::error("{}: writer failed: {}", describe(info_), e.what());
    close("writer failed");
  }
  // Only now, with no write in progress, may the buffers go.
  responses_.clear();
  unsent_bytes_ = 0;
  task_finished();
}

asio::awaitable<std::error_code> Session::write_memory_chunks() {
  // Gather consecutive memory chunks, across responses, into one write.
  std::vector<asio::const_buffer> buffers;
  std::size_t chunk_count = 0;
  for (auto& pending : responses_) {
    std::size_t index = pending.next_chunk;
    for (; index < pending.response.chunks.size() && buffers.size() < kMaxGatherBuffers; ++index) {
      const auto* bytes = std::get_if<std::vector<std::uint8_t>>(&pending.response.chunks[index]);
      if (bytes == nullptr) break;
      if (!bytes->empty()) buffers.emplace_back(asio::buffer(*bytes));
      ++chunk_count;
    }
    if (index < pending.response.chunks.size() || buffers.size() >= kMaxGatherBuffers) break;
  }
  std::error_code ec;
  const std::size_t written =
      co_await asio::async_write(socket_, buffers, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return ec;
  sent(written);
  // Advance past the chunks just written; responses are popped by the loop.
  for (auto& pending : responses_) {
    while (chunk_count > 0 && pending.next_chunk < pending.response.chunks.size()) {
      ++pending.next_chunk;
      --chunk_count;
    }
    if (chunk_count == 0) break;
  }
  co_return std::error_code{};
}

asio::awaitable<std::error_code> Session::send_file_range(const FileRange& range) {
  // Copy what the loop needs: `range` lives in responses_, which only this
  // coroutine shrinks, but keep the fd owner alive explicitly all the same.
  const std::shared_ptr<const void> owner = range.owner;
  const int file_fd = range.fd;
  auto offset = static_cast<off_t>(range.offset);
  std::uint64_t remaining = range.length;
  while (remaining > 0) {
    if (state_ == State::kClosed) co_return asio::error::operation_aborted;
    const ssize_t n = ::sendfile(socket_.native_handle(), file_fd, &offset,
                                 static_cast<std::size_t>(std::min(remaining, kSendfileChunk)));
    if (n > 0) {
      remaining -= static_cast<std::uint64_t>(n);
      sent(static_cast<std::uint64_t>(n));
      // Let the other connections of this thread run between chunks.
      if (remaining > 0) co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
      continue;
    }
    if (n == 0) {
      // The file is shorter than the range: the response can't be completed
      // and its size prefix is already out, so the connection is lost.
      spdlog::error("{}: file range ended early ({} bytes missing)", describe(info_), remaining);
      co_return std::make_error_code(std::errc::io_error);
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      std::error_code ec;
      co_await socket_.async_wait(asio::ip::tcp::socket::wait_write, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return ec;
      continue;
    }
    co_return std::error_code(errno, std::system_category());
  }
  co_return std::error_code{};
}

// A client that does not read its responses stops being served (and then
// read) once too many response bytes, or too many responses, wait for it:
// small responses cost more in bookkeeping than in bytes.
bool Session::responses_backlogged() const {
  return unsent_bytes_ > limits_.max_unsent_response_bytes || responses_.size() >= limits_.max_queued_requests;
}

void Session::backlog_shrank() {
  processor_wakeup_.notify();
  reader_wakeup_.notify();
}

void Session::sent(std::uint64_t bytes) {
  unsent_bytes_ -= std::min(bytes, unsent_bytes_);
  touch();
  backlog_shrank();
}

asio::awaitable<void> Session::idle_loop([[maybe_unused]] std::shared_ptr<Session> self) {
  try {
    while (state_ != State::kClosed) {
      const auto now = std::chrono::steady_clock::now();
      auto deadline = last_activity_ + limits_.idle_timeout;
      if (deadline <= now) {
        // Kafka's connections.max.idle.ms; a request still being handled
        // (long-poll Fetch) doesn't count as idle.
        if (!handler_busy_) {
          spdlog::debug("{}: idle for {} ms, closing", describe(info_), limits_.idle_timeout.count());
          close("idle");
          break;
        }
        deadline = now + limits_.idle_timeout;
      }
      idle_timer_.expires_at(deadline);
      std::error_code ec;
      co_await idle_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
  } catch (const std::exception& e) {
    spdlog::error("{}: idle watchdog failed: {}", describe(info_), e.what());
    close("idle watchdog failed");
  }
  task_finished();
}

void Session::begin_graceful_close() { begin_drain(/*discard_queued=*/true); }

void Session::begin_drain(bool discard_queued) {
  if (state_ == State::kClosed) return;
  // Also when already draining after the peer's EOF: a close request or a
  // broker shutdown still drops what hasn't started.
  if (discard_queued) clear_queued_requests();
  if (state_ == State::kOpen) {
    state_ = State::kDraining;
    read_cancel_.emit(asio::cancellation_type::all);
  }
  notify_all();
}

void Session::close(const char* reason) {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  close_reason_ = reason;
  std::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);  // cancels the pending reads and writes
  clear_queued_requests();
  idle_timer_.cancel();
  notify_all();
}

void Session::clear_queued_requests() {
  for (const auto& request : requests_) {
    if (request.holds_budget) budget_.release();
  }
  requests_.clear();
  queued_bytes_ = 0;
}

void Session::notify_all() {
  reader_wakeup_.notify();
  processor_wakeup_.notify();
  writer_wakeup_.notify();
}

void Session::task_finished() {
  if (--running_tasks_ > 0) return;
  close("finished");
  slot_.release();
  spdlog::debug("{} closed ({})", describe(info_), close_reason_);
  try {
    handler_.connection_closed(info_);
  } catch (const std::exception& e) {
    spdlog::error("{}: connection_closed failed: {}", describe(info_), e.what());
  }
  if (on_finished_) on_finished_(*this);
}

}  // namespace sluice::server::network
