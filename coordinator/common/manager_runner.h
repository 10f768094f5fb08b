// Drives a coordinator's synchronous manager (GroupManager, TxnManager) from
// its EventQueue: each task runs on the queue's thread, then the one timer
// is re-armed for the earliest deadline the manager reports (its tick()
// handles every deadline due), and periodic chores repeat on their interval.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <utility>

#include "coordinator/common/event_queue.h"
#include "storage/clock.h"

namespace sluice::coordinator {

template <class Manager>
class ManagerRunner {
 public:
  // Declare the runner before `queue` in its owner, so the queue's thread
  // stops before the runner goes.
  ManagerRunner(Manager& manager, EventQueue& queue, const storage::Clock& clock)
      : manager_(manager), queue_(queue), clock_(clock) {}

  // Runs `task(manager)` on the queue's thread; `refused` runs instead (on
  // the caller's) once the queue is closed.
  template <class Task, class Refused>
  void run(Task task, Refused refused) {
    auto wrapped = [this, task = std::move(task)]() mutable {
      task(manager_);
      rearm();
    };
    if (!queue_.submit(std::move(wrapped))) refused();
  }

  // The same for a task that needs no manager; false once the queue is closed.
  bool submit(EventQueue::Task task) {
    return queue_.submit([this, task = std::move(task)] {
      task();
      rearm();
    });
  }

  template <class Task>
  void schedule_periodic(std::int64_t interval_ms, Task task) {
    queue_.schedule(std::chrono::steady_clock::now() + std::chrono::milliseconds(interval_ms),
                    [this, interval_ms, task] {
                      task(manager_);
                      rearm();
                      schedule_periodic(interval_ms, task);
                    });
  }

 private:
  void rearm() {
    const std::optional<std::int64_t> earliest = manager_.earliest_deadline();
    if (!earliest || (armed_ && *armed_ <= *earliest)) return;
    armed_ = earliest;
    const auto delay = std::chrono::milliseconds(std::max<std::int64_t>(*earliest - clock_.now_ms(), 0));
    queue_.schedule(std::chrono::steady_clock::now() + delay, [this] {
      armed_.reset();
      manager_.tick();
      rearm();
    });
  }

  Manager& manager_;
  EventQueue& queue_;
  const storage::Clock& clock_;
  std::optional<std::int64_t> armed_;  // the queue's thread only
};

}  // namespace sluice::coordinator
