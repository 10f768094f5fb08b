// Background work of the storage layer (Kafka's KafkaScheduler): flushes,
// checkpoints, retention, delayed file deletion. Disk work that can block
// runs here, never on a network thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <queue>
#include <string>
#include <thread>
#include <vector>

namespace sluice::storage {

class Scheduler {
 public:
  using Task = std::function<void()>;
  using Duration = std::chrono::milliseconds;

  // Starts `threads` worker threads.
  explicit Scheduler(int threads);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Runs `task` once after `delay`.
  void schedule_once(Duration delay, Task task);
  // Runs `task` after `initial_delay`, then every `period` (measured from
  // the end of a run, so a slow run never stacks up).
  void schedule_periodic(Duration initial_delay, Duration period, Task task);
  void submit(Task task) { schedule_once(Duration::zero(), std::move(task)); }

  // Stops the workers after the tasks already running; pending ones are
  // dropped (callers do their final flush themselves). Idempotent.
  void shutdown();

 private:
  using Clock = std::chrono::steady_clock;
  struct Entry {
    Clock::time_point at;
    std::uint64_t seq;
    Task task;
    Duration period;  // zero for one-shot tasks
    bool operator>(const Entry& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };

  void push(Entry e);
  void run();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> queue_;
  std::uint64_t next_seq_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace sluice::storage
