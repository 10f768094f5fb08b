// Long-poll Fetch (Kafka's DelayedFetch): a fetch that found less than
// min_bytes waits on its partitions until an append moves one of their high
// watermarks or max_wait_ms passes. Appends happen on other threads; a wake
// is posted to the waiting fetch's own executor.
#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/steady_timer.hpp>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "storage/topic_partition.h"

namespace sluice::server {

class FetchWaiter : public std::enable_shared_from_this<FetchWaiter> {
 public:
  explicit FetchWaiter(const asio::any_io_executor& executor) : timer_(executor) {}

  asio::steady_timer& timer() { return timer_; }
  // Whether a wake arrived since the last reset (checked before waiting, so
  // a wake between a read and the wait is never lost).
  bool woken() const { return woken_.load(std::memory_order_acquire); }
  void reset() { woken_.store(false, std::memory_order_release); }
  // From any thread; the waiter must be held by a shared_ptr.
  void wake();

 private:
  asio::steady_timer timer_;
  std::atomic<bool> woken_{false};
};

class FetchWaiters {
 public:
  void add(const std::shared_ptr<FetchWaiter>& waiter, const std::vector<storage::TopicPartition>& partitions);
  void remove(const std::shared_ptr<FetchWaiter>& waiter, const std::vector<storage::TopicPartition>& partitions);
  // Wakes every fetch waiting on `tp`.
  void notify(const storage::TopicPartition& tp);

 private:
  std::mutex mutex_;
  std::map<storage::TopicPartition, std::vector<std::weak_ptr<FetchWaiter>>> waiting_;
};

}  // namespace sluice::server
