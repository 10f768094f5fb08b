#include "coordinator/common/event_queue.h"

#include <utility>

namespace sluice::coordinator {

EventQueue::EventQueue() : thread_([this] { run(); }) {}

EventQueue::~EventQueue() { close(); }

bool EventQueue::submit(Task task) {
  {
    std::lock_guard lock(mutex_);
    if (closing_) return false;
    tasks_.push_back(std::move(task));
  }
  wake_.notify_one();
  return true;
}

bool EventQueue::schedule(TimePoint when, Task task) {
  {
    std::lock_guard lock(mutex_);
    if (closing_) return false;
    timers_.emplace(when, std::move(task));
  }
  wake_.notify_one();
  return true;
}

void EventQueue::close() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void EventQueue::run() {
  while (true) {
    Task task;
    {
      std::unique_lock lock(mutex_);
      while (true) {
        if (!timers_.empty() && timers_.begin()->first <= std::chrono::steady_clock::now()) {
          task = std::move(timers_.begin()->second);
          timers_.erase(timers_.begin());
          break;
        }
        if (!tasks_.empty()) {
          task = std::move(tasks_.front());
          tasks_.pop_front();
          break;
        }
        if (closing_) return;  // everything queued has run
        if (timers_.empty()) {
          wake_.wait(lock);
        } else {
          wake_.wait_until(lock, timers_.begin()->first);
        }
      }
    }
    task();
  }
}

}  // namespace sluice::coordinator
