// One client connection, Kafka's per-channel half of Processor/Selector.
// Three coroutines share the socket on one network thread: the reader frames
// requests (4-byte big-endian size) into a bounded read-ahead queue, the
// processor hands them to the RequestHandler strictly one at a time in arrival
// order (what keeps a producer's batches in order), and the writer sends the
// responses in that same order. Reading ahead and writing overlap with
// processing; back-pressure stops reading when the queue is full or too many
// response bytes are unsent. A fourth coroutine closes idle connections.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "server/network/connection_quotas.h"
#include "server/network/network_config.h"
#include "server/network/request_budget.h"
#include "server/network/request_handler.h"
#include "server/network/response.h"

namespace sluice::server::network {

struct SessionLimits {
  std::int32_t max_request_bytes = 104857600;
  std::chrono::milliseconds idle_timeout{600000};  // zero: never
  std::size_t max_queued_requests = 32;
  std::size_t max_queued_request_bytes = std::size_t{16} << 20;
  std::size_t max_unsent_response_bytes = std::size_t{16} << 20;

  static SessionLimits from(const NetworkConfig& config);
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  // Called once on the session's executor when the session has ended.
  using OnFinished = std::function<void(Session&)>;

  // `socket` must be open and bound to a single-threaded executor: the
  // session's coroutines share state without locks.
  Session(asio::ip::tcp::socket socket, ConnectionInfo info, const SessionLimits& limits, RequestHandler& handler,
          RequestBudget& budget, ConnectionQuotas::Slot slot, OnFinished on_finished);
  ~Session();

  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // The remaining methods run on the session's executor.
  void start();
  // Broker shutdown: stop reading, drop requests not yet started, let the one
  // in flight finish, flush the responses, then close.
  void begin_graceful_close();
  // Closes the socket now; queued requests and unsent responses are dropped.
  void close(const char* reason);

  const ConnectionInfo& info() const { return info_; }

 private:
  enum class State { kOpen, kDraining, kClosed };

  struct QueuedRequest {
    std::vector<std::uint8_t> frame;
    bool holds_budget = false;
  };
  struct PendingResponse {
    Response response;
    std::size_t next_chunk = 0;
  };

  // A single-waiter wake-up: the waiter re-checks its condition in a loop, and
  // everything runs on one thread, so a notify between check and wait can't
  // be lost.
  class Wakeup {
   public:
    explicit Wakeup(const asio::any_io_executor& executor);
    asio::awaitable<void> wait();
    void notify() { timer_.cancel(); }

   private:
    asio::steady_timer timer_;
  };

  // Each holds `self` so the session lives until its last coroutine ends.
  asio::awaitable<void> read_loop(std::shared_ptr<Session> self);
  asio::awaitable<void> process_loop(std::shared_ptr<Session> self);
  asio::awaitable<void> write_loop(std::shared_ptr<Session> self);
  asio::awaitable<void> idle_loop(std::shared_ptr<Session> self);

  bool may_read_next(bool& needs_budget_slot);
  // Stop reading; with discard_queued the requests not yet started are
  // dropped, otherwise (peer closed its side) they are still processed, as
  // Kafka processes the complete receives of a closing channel.
  void begin_drain(bool discard_queued);
  bool responses_backlogged() const;
  // Fewer unsent bytes or responses: the processor and the reader may go on.
  void backlog_shrank();
  void clear_queued_requests();
  void on_read_error(const std::error_code& ec);
  asio::awaitable<std::error_code> write_memory_chunks();
  asio::awaitable<std::error_code> send_file_range(const FileRange& range);
  void sent(std::uint64_t bytes);
  void touch() { last_activity_ = std::chrono::steady_clock::now(); }
  void notify_all();
  void task_finished();

  asio::ip::tcp::socket socket_;
  const ConnectionInfo info_;
  const SessionLimits limits_;
  RequestHandler& handler_;
  RequestBudget& budget_;
  ConnectionQuotas::Slot slot_;
  OnFinished on_finished_;

  State state_ = State::kOpen;
  std::string close_reason_;
  std::deque<QueuedRequest> requests_;
  std::size_t queued_bytes_ = 0;
  std::deque<PendingResponse> responses_;
  std::uint64_t unsent_bytes_ = 0;
  bool handler_busy_ = false;
  bool processor_done_ = false;
  int running_tasks_ = 0;
  std::chrono::steady_clock::time_point last_activity_;

  Wakeup reader_wakeup_;
  Wakeup processor_wakeup_;
  Wakeup writer_wakeup_;
  asio::steady_timer idle_timer_;
  asio::cancellation_signal read_cancel_;
};

}  // namespace sluice::server::network
