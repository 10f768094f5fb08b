#include "coordinator/controller/event_queue.h"

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
      wake_.wait(lock, [this] { return closing_ || !tasks_.empty(); });
      if (tasks_.empty()) return;  // closing, and everything queued has run
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

}  // namespace sluice::coordinator
