// KIP-227 incremental fetch sessions. A client that opens a session sends
// its whole partition list once; later requests carry only what changed, and
// responses only the partitions with something new (data, a moved high
// watermark, log start or last stable offset, an error). The cache is
// bounded (max.incremental.fetch.session.cache.slots); the least recently
// used session that has been idle long enough makes room for a new one.
#pragma once

#include <cstdint>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "protocol/result.h"
#include "protocol/uuid.h"
#include "storage/topic_partition.h"

namespace sluice::server {

// What the client asked of one partition, and what it was last told.
struct SessionPartition {
  storage::TopicPartition tp;
  protocol::Uuid topic_id;
  std::int64_t fetch_offset = 0;
  std::int32_t max_bytes = 0;
  std::int32_t current_leader_epoch = -1;
  std::int32_t last_fetched_epoch = -1;
  std::int64_t log_start_offset = -1;  // the follower's; -1 for consumers
  // Last values sent, to know whether an incremental response must include it.
  std::int64_t sent_high_watermark = -1;
  std::int64_t sent_last_stable_offset = -1;
  std::int64_t sent_log_start_offset = -1;
};

inline constexpr std::int32_t kInvalidSessionId = 0;
inline constexpr std::int32_t kInitialEpoch = 0;
inline constexpr std::int32_t kFinalEpoch = -1;

class FetchSessionCache {
 public:
  struct Limits {
    std::size_t max_sessions = 1000;     // max.incremental.fetch.session.cache.slots
    std::int64_t eviction_ms = 120'000;  // min.incremental.fetch.session.eviction.ms
  };

  explicit FetchSessionCache(Limits limits) : limits_(limits) {}

  // A session's partitions, in the order responses list them.
  struct Session {
    std::int32_t id = kInvalidSessionId;
    std::int32_t next_epoch = 1;
    std::int64_t last_used_ms = 0;
    std::vector<SessionPartition> partitions;
  };

  // Creates a session holding `partitions`; nullopt when the cache is full of
  // sessions too recently used to evict (the client then fetches sessionless).
  std::optional<std::int32_t> create(std::vector<SessionPartition> partitions, std::int64_t now_ms);

  // Runs `fn(session)` on an existing session with the expected epoch, under
  // the cache lock; FETCH_SESSION_ID_NOT_FOUND or INVALID_FETCH_SESSION_EPOCH
  // otherwise. On success the epoch advances.
  template <class Fn>
  protocol::Status with_session(std::int32_t id, std::int32_t epoch, std::int64_t now_ms, Fn fn);

  // Runs `fn(session)` if the session still exists (no epoch check).
  template <class Fn>
  void update(std::int32_t id, Fn fn) {
    std::lock_guard lock(mutex_);
    if (auto it = sessions_.find(id); it != sessions_.end()) fn(it->second);
  }

  void remove(std::int32_t id);
  std::size_t size() const;

 private:
  std::int32_t new_session_id();
  bool evict_one(std::int64_t now_ms);

  Limits limits_;
  mutable std::mutex mutex_;
  std::map<std::int32_t, Session> sessions_;
  std::list<std::int32_t> lru_;  // least recently used first
  std::uint64_t id_state_ = 0x9e3779b97f4a7c15ULL;
};

template <class Fn>
protocol::Status FetchSessionCache::with_session(std::int32_t id, std::int32_t epoch, std::int64_t now_ms, Fn fn) {
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) {
    return {protocol::ErrorCode::FETCH_SESSION_ID_NOT_FOUND, "fetch session " + std::to_string(id) + " not found"};
  }
  Session& s = it->second;
  if (epoch != s.next_epoch) {
    return {protocol::ErrorCode::INVALID_FETCH_SESSION_EPOCH,
            "fetch session " + std::to_string(id) + " expected epoch " + std::to_string(s.next_epoch)};
  }
  s.next_epoch = epoch == INT32_MAX ? 1 : epoch + 1;
  s.last_used_ms = now_ms;
  lru_.remove(id);
  lru_.push_back(id);
  fn(s);
  return {};
}

}  // namespace sluice::server
