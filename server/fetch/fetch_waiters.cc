#include "server/fetch/fetch_waiters.h"

#include <asio/post.hpp>

namespace sluice::server {

void FetchWaiter::wake() {
  if (woken_.exchange(true, std::memory_order_acq_rel)) return;
  // The timer belongs to the waiting fetch's executor: cancel it there.
  asio::post(timer_.get_executor(), [self = shared_from_this()] { self->timer_.cancel(); });
}

void FetchWaiters::add(const std::shared_ptr<FetchWaiter>& waiter,
                       const std::vector<storage::TopicPartition>& partitions) {
  std::lock_guard lock(mutex_);
  for (const auto& tp : partitions) waiting_[tp].push_back(waiter);
}

void FetchWaiters::remove(const std::shared_ptr<FetchWaiter>& waiter,
                          const std::vector<storage::TopicPartition>& partitions) {
  std::lock_guard lock(mutex_);
  for (const auto& tp : partitions) {
    auto it = waiting_.find(tp);
    if (it == waiting_.end()) continue;
    std::erase_if(it->second, [&](const std::weak_ptr<FetchWaiter>& w) {
      auto locked = w.lock();
      return !locked || locked == waiter;
    });
    if (it->second.empty()) waiting_.erase(it);
  }
}

void FetchWaiters::notify(const storage::TopicPartition& tp) {
  std::vector<std::shared_ptr<FetchWaiter>> to_wake;
  {
    std::lock_guard lock(mutex_);
    auto it = waiting_.find(tp);
    if (it == waiting_.end()) return;
    for (const auto& w : it->second) {
      if (auto locked = w.lock()) to_wake.push_back(std::move(locked));
    }
  }
  for (const auto& w : to_wake) w->wake();
}

}  // namespace sluice::server
