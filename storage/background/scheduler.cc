#include "storage/background/scheduler.h"

namespace sluice::storage {

Scheduler::Scheduler(int threads) {
  for (int i = 0; i < std::max(threads, 1); ++i) workers_.emplace_back([this] { run(); });
}

Scheduler::~Scheduler() { shutdown(); }

void Scheduler::push(Entry e) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    e.seq = next_seq_++;
    queue_.push(std::move(e));
  }
  wake_.notify_one();
}

void Scheduler::schedule_once(Duration delay, Task task) {
  push(Entry{Clock::now() + delay, 0, std::move(task), Duration::zero()});
}

void Scheduler::schedule_periodic(Duration initial_delay, Duration period, Task task) {
  push(Entry{Clock::now() + initial_delay, 0, std::move(task), std::max(period, Duration(1))});
}

void Scheduler::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (queue_.empty()) {
      wake_.wait(lock);
      continue;
    }
    // A copy: wait_until keeps reading its deadline after releasing the
    // lock, and a push() meanwhile may reallocate the queue under a reference.
    if (const auto next = queue_.top().at; next > Clock::now()) {
      wake_.wait_until(lock, next);
      continue;
    }
    Entry e = queue_.top();
    queue_.pop();
    lock.unlock();
    e.task();
    lock.lock();
    if (e.period != Duration::zero() && !stopping_) {
      e.at = Clock::now() + e.period;
      e.seq = next_seq_++;
      queue_.push(std::move(e));
    }
  }
}

void Scheduler::shutdown() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && workers_.empty()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& t : workers_) {
    if (t.joinable() && t.get_id() != std::this_thread::get_id()) t.join();
  }
  workers_.clear();
  std::lock_guard lock(mutex_);
  queue_ = {};
}

}  // namespace sluice::storage
