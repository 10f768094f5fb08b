// A single thread running tasks one at a time: the controller's event loop
// (Kafka's KafkaEventQueue), which totally orders every change to the
// metadata, and the group coordinator's, whose timers (session and
// rebalance timeouts) are tasks scheduled for later.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace sluice::coordinator {

class EventQueue {
 public:
  using Task = std::function<void()>;
  using TimePoint = std::chrono::steady_clock::time_point;

  EventQueue();
  ~EventQueue();
  EventQueue(const EventQueue&) = delete;
  EventQueue& operator=(const EventQueue&) = delete;

  // Queues `task` to run after every task submitted before it; false (and
  // `task` is dropped) once the queue is closing.
  bool submit(Task task);

  // Runs `task` once `when` has come (in due order, before tasks submitted
  // later that are not yet due). Tasks not yet due when the queue closes
  // never run.
  bool schedule(TimePoint when, Task task);

  // Stops taking tasks, lets those already queued run, and joins the thread.
  // Idempotent; must not be called from a task.
  void close();

  bool in_queue_thread() const { return std::this_thread::get_id() == thread_.get_id(); }

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Task> tasks_;
  std::multimap<TimePoint, Task> timers_;
  bool closing_ = false;
  std::thread thread_;
};

}  // namespace sluice::coordinator
