#include "server/fetch/fetch_session_cache.h"

#include <algorithm>

namespace sluice::server {

std::int32_t FetchSessionCache::new_session_id() {
  // Ids are positive, unique and not guessable in sequence (splitmix64).
  for (;;) {
    std::uint64_t z = (id_state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    const auto id = static_cast<std::int32_t>(z & 0x7fffffff);
    if (id != kInvalidSessionId && !sessions_.contains(id)) return id;
  }
}

bool FetchSessionCache::evict_one(std::int64_t now_ms) {
  for (auto it = lru_.begin(); it != lru_.end(); ++it) {
    auto s = sessions_.find(*it);
    if (s != sessions_.end() && now_ms - s->second.last_used_ms >= limits_.eviction_ms) {
      sessions_.erase(s);
      lru_.erase(it);
      return true;
    }
  }
  return false;
}

std::optional<std::int32_t> FetchSessionCache::create(std::vector<SessionPartition> partitions, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  if (limits_.max_sessions == 0) return std::nullopt;
  if (sessions_.size() >= limits_.max_sessions && !evict_one(now_ms)) return std::nullopt;
  const std::int32_t id = new_session_id();
  Session& s = sessions_[id];
  s.id = id;
  s.next_epoch = 1;
  s.last_used_ms = now_ms;
  s.partitions = std::move(partitions);
  lru_.push_back(id);
  return id;
}

void FetchSessionCache::remove(std::int32_t id) {
  std::lock_guard lock(mutex_);
  sessions_.erase(id);
  lru_.remove(id);
}

std::size_t FetchSessionCache::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

}  // namespace sluice::server
