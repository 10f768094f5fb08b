// Hands out producer ids from the block the controller gave this broker,
// asking for the next block before this one runs out (Kafka's
// RPCProducerIdManager: once 90% of the block is used). When no id is at
// hand, a request may wait for the block; Kafka 3.9 answers
// COORDINATOR_LOAD_IN_PROGRESS at once, Sluice waits up to a deadline first.
//
// Single-threaded: the source's answers must come back on the thread that
// uses the manager (TransactionCoordinator posts them to its queue), and not
// from inside allocate_block().
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "coordinator/txn/producer_id_source.h"
#include "storage/clock.h"

namespace sluice::coordinator {

class ProducerIdManager {
 public:
  ProducerIdManager(ProducerIdSource& source, const storage::Clock& clock, std::int64_t retry_backoff_ms);
  ProducerIdManager(const ProducerIdManager&) = delete;
  ProducerIdManager& operator=(const ProducerIdManager&) = delete;

  // Asks for a block ahead of the first request (a no-op once one is held
  // or asked for).
  void prefetch();

  // The next id; nullopt when none is at hand (the next block is asked for).
  std::optional<std::int64_t> next_id();

  // `resume(true)` once a block arrives, or `resume(false)` at `deadline_ms`
  // (tick()) or at shutdown().
  void wait(std::int64_t deadline_ms, std::function<void(bool)> resume);

  // Fails waiters whose deadline passed; asks again once the backoff after
  // a failed request is over (while someone waits).
  void tick();
  std::optional<std::int64_t> earliest_deadline() const;

  // Fails every waiter.
  void shutdown();

  bool request_in_flight() const { return in_flight_; }

 private:
  struct Waiter {
    std::int64_t deadline_ms;
    std::function<void(bool)> resume;
  };

  void maybe_request();
  void on_block(protocol::Result<ProducerIdBlock> block);
  bool current_exhausted() const { return !current_ || next_ >= current_->first_id + current_->size; }

  ProducerIdSource& source_;
  const storage::Clock& clock_;
  std::int64_t retry_backoff_ms_;
  std::optional<ProducerIdBlock> current_;
  std::int64_t next_ = 0;  // the next id of current_
  std::optional<ProducerIdBlock> next_block_;
  bool in_flight_ = false;
  std::optional<std::int64_t> retry_at_ms_;  // after a failed request
  std::vector<Waiter> waiters_;
  // Answers arriving after this manager is gone are dropped.
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace sluice::coordinator
