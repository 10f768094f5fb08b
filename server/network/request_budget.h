// queued.max.requests: a broker-wide cap on requests read ahead of their
// turn. Lock-free because every network thread takes and returns slots.
#pragma once

#include <atomic>
#include <cstdint>

namespace sluice::server::network {

class RequestBudget {
 public:
  explicit RequestBudget(std::int32_t capacity) : capacity_(capacity) {}

  bool try_acquire() {
    std::int32_t used = used_.load(std::memory_order_relaxed);
    while (used < capacity_) {
      if (used_.compare_exchange_weak(used, used + 1, std::memory_order_relaxed)) return true;
    }
    return false;
  }

  void release() { used_.fetch_sub(1, std::memory_order_relaxed); }

  std::int32_t in_use() const { return used_.load(std::memory_order_relaxed); }

 private:
  const std::int32_t capacity_;
  std::atomic<std::int32_t> used_{0};
};

}  // namespace sluice::server::network
