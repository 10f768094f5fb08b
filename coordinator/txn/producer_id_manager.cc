#include "coordinator/txn/producer_id_manager.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

namespace sluice::coordinator {

ProducerIdManager::ProducerIdManager(ProducerIdSource& source, const storage::Clock& clock,
                                     std::int64_t retry_backoff_ms)
    : source_(source), clock_(clock), retry_backoff_ms_(retry_backoff_ms) {}

void ProducerIdManager::prefetch() {
  if (current_exhausted()) maybe_request();
}

std::optional<std::int64_t> ProducerIdManager::next_id() {
  if (current_exhausted() && next_block_) {
    current_ = next_block_;
    next_ = current_->first_id;
    next_block_.reset();
  }
  if (current_exhausted()) {
    maybe_request();
    return std::nullopt;
  }
  const std::int64_t id = next_++;
  // ProducerIdManager.PidPrefetchThreshold: 90% of the block.
  const std::int64_t prefetch_at = current_->first_id + static_cast<std::int64_t>(current_->size) * 9 / 10;
  if (id >= prefetch_at) maybe_request();
  return id;
}

void ProducerIdManager::wait(std::int64_t deadline_ms, std::function<void(bool)> resume) {
  waiters_.push_back({deadline_ms, std::move(resume)});
  if (current_exhausted() && !next_block_) maybe_request();
}

void ProducerIdManager::maybe_request() {
  if (in_flight_ || next_block_) return;
  if (retry_at_ms_ && clock_.now_ms() < *retry_at_ms_) return;
  in_flight_ = true;
  source_.allocate_block([alive = std::weak_ptr<int>(alive_), this](protocol::Result<ProducerIdBlock> block) {
    if (alive.expired()) return;
    on_block(std::move(block));
  });
}

void ProducerIdManager::on_block(protocol::Result<ProducerIdBlock> block) {
  in_flight_ = false;
  if (!block.ok() || block->size <= 0 || block->first_id < 0) {
    spdlog::warn(
        "could not get a block of producer ids: {}",
        block.ok() ? "empty block" : std::string(protocol::error_name(block.code())) + " " + block.status().detail);
    retry_at_ms_ = clock_.now_ms() + retry_backoff_ms_;
    return;
  }
  retry_at_ms_.reset();
  if (current_exhausted()) {
    current_ = *block;
    next_ = block->first_id;
  } else {
    next_block_ = *block;
  }
  auto waiting = std::move(waiters_);
  waiters_.clear();
  for (auto& w : waiting) w.resume(true);
}

void ProducerIdManager::tick() {
  const std::int64_t now = clock_.now_ms();
  std::vector<Waiter> expired;
  auto keep = std::partition(waiters_.begin(), waiters_.end(), [now](const Waiter& w) { return w.deadline_ms > now; });
  std::move(keep, waiters_.end(), std::back_inserter(expired));
  waiters_.erase(keep, waiters_.end());
  if (!waiters_.empty() && current_exhausted() && !next_block_) maybe_request();
  for (auto& w : expired) w.resume(false);
}

std::optional<std::int64_t> ProducerIdManager::earliest_deadline() const {
  std::optional<std::int64_t> earliest;
  for (const auto& w : waiters_) {
    if (!earliest || w.deadline_ms < *earliest) earliest = w.deadline_ms;
  }
  if (!waiters_.empty() && !in_flight_ && retry_at_ms_ && (!earliest || *retry_at_ms_ < *earliest)) {
    earliest = retry_at_ms_;
  }
  return earliest;
}

void ProducerIdManager::shutdown() {
  auto waiting = std::move(waiters_);
  waiters_.clear();
  for (auto& w : waiting) w.resume(false);
}

}  // namespace sluice::coordinator
