#include "storage/epoch/leader_epoch_cache.h"

#include <iterator>
#include <string>

namespace sluice::storage {

using protocol::ErrorCode;
using protocol::Result;
using protocol::Status;

namespace {

Status invalid_entry(const EpochEntry& e) {
  return Status(ErrorCode::INVALID_REQUEST,
                "Received invalid partition leader epoch entry EpochEntry(epoch=" + std::to_string(e.epoch) +
                    ", startOffset=" + std::to_string(e.start_offset) + ")");
}

}  // namespace

Result<std::unique_ptr<LeaderEpochCache>> LeaderEpochCache::open(std::filesystem::path checkpoint_path) {
  auto cache = std::make_unique<LeaderEpochCache>(Private{}, std::move(checkpoint_path));
  auto stored = cache->checkpoint_.read();
  if (!stored.ok()) return stored.status();
  // Loading replays assign() without rewriting the file, as Kafka's constructor.
  std::scoped_lock lock(cache->writer_mutex_, cache->data_mutex_);
  for (const EpochEntry& e : *stored) {
    if (e.epoch < 0 || e.start_offset < 0) {
      Status st = invalid_entry(e);
      st.detail += " in " + cache->checkpoint_.path().string();
      st.code = ErrorCode::KAFKA_STORAGE_ERROR;
      return st;
    }
    if (cache->update_needed(e)) cache->apply_assign(e);
  }
  return cache;
}

LeaderEpochCache::LeaderEpochCache(Private, std::filesystem::path checkpoint_path)
    : checkpoint_(std::move(checkpoint_path)) {}

std::optional<EpochEntry> LeaderEpochCache::latest_locked() const {
  if (epochs_.empty()) return std::nullopt;
  const auto& [epoch, start] = *epochs_.rbegin();
  return EpochEntry{epoch, start};
}

bool LeaderEpochCache::update_needed(const EpochEntry& entry) const {
  const auto latest = latest_locked();
  return !latest || entry.epoch != latest->epoch || entry.start_offset < latest->start_offset;
}

void LeaderEpochCache::apply_assign(const EpochEntry& entry) {
  // Drop, newest first, every entry the new one would make non-monotonic.
  while (!epochs_.empty()) {
    const auto last = std::prev(epochs_.end());
    if (last->first < entry.epoch && last->second < entry.start_offset) break;
    epochs_.erase(last);
  }
  epochs_.emplace(entry.epoch, entry.start_offset);
}

Status LeaderEpochCache::persist() const {
  // Caller holds writer_mutex_, so the map cannot change under us.
  std::vector<EpochEntry> snapshot;
  snapshot.reserve(epochs_.size());
  for (const auto& [epoch, start] : epochs_) snapshot.push_back(EpochEntry{epoch, start});
  return checkpoint_.write(snapshot, /*sync=*/true);
}

Status LeaderEpochCache::assign(std::int32_t epoch, std::int64_t start_offset) {
  const EpochEntry entry{epoch, start_offset};
  return assign(std::span<const EpochEntry>(&entry, 1));
}

Status LeaderEpochCache::assign(std::span<const EpochEntry> entries) {
  for (const EpochEntry& e : entries) {
    if (e.epoch < 0 || e.start_offset < 0) return invalid_entry(e);
  }
  std::lock_guard writer(writer_mutex_);
  bool changed = false;
  for (const EpochEntry& e : entries) {
    if (!update_needed(e)) continue;
    std::unique_lock data(data_mutex_);
    apply_assign(e);
    changed = true;
  }
  return changed ? persist() : Status::Ok();
}

std::optional<std::int32_t> LeaderEpochCache::latest_epoch() const {
  std::shared_lock lock(data_mutex_);
  if (epochs_.empty()) return std::nullopt;
  return epochs_.rbegin()->first;
}

std::optional<EpochEntry> LeaderEpochCache::latest_entry() const {
  std::shared_lock lock(data_mutex_);
  return latest_locked();
}

std::optional<EpochEntry> LeaderEpochCache::earliest_entry() const {
  std::shared_lock lock(data_mutex_);
  if (epochs_.empty()) return std::nullopt;
  return EpochEntry{epochs_.begin()->first, epochs_.begin()->second};
}

std::optional<std::int32_t> LeaderEpochCache::previous_epoch() const {
  std::shared_lock lock(data_mutex_);
  if (epochs_.size() < 2) return std::nullopt;
  return std::prev(epochs_.end(), 2)->first;
}

std::optional<std::int32_t> LeaderEpochCache::previous_epoch(std::int32_t epoch) const {
  const auto entry = previous_entry(epoch);
  if (!entry) return std::nullopt;
  return entry->epoch;
}

std::optional<EpochEntry> LeaderEpochCache::previous_entry(std::int32_t epoch) const {
  std::shared_lock lock(data_mutex_);
  auto it = epochs_.lower_bound(epoch);
  if (it == epochs_.begin()) return std::nullopt;
  --it;
  return EpochEntry{it->first, it->second};
}

std::optional<std::int32_t> LeaderEpochCache::next_epoch(std::int32_t epoch) const {
  std::shared_lock lock(data_mutex_);
  const auto it = epochs_.upper_bound(epoch);
  if (it == epochs_.end()) return std::nullopt;
  return it->first;
}

std::optional<EpochEntry> LeaderEpochCache::epoch_entry(std::int32_t epoch) const {
  std::shared_lock lock(data_mutex_);
  const auto it = epochs_.find(epoch);
  if (it == epochs_.end()) return std::nullopt;
  return EpochEntry{it->first, it->second};
}

std::optional<std::int32_t> LeaderEpochCache::epoch_for_offset(std::int64_t offset) const {
  std::shared_lock lock(data_mutex_);
  std::optional<std::int32_t> previous;
  for (const auto& [epoch, start] : epochs_) {
    if (start == offset) return epoch;
    if (start > offset) return previous;
    previous = epoch;
  }
  return previous;
}

bool LeaderEpochCache::empty() const {
  std::shared_lock lock(data_mutex_);
  return epochs_.empty();
}

std::vector<EpochEntry> LeaderEpochCache::entries() const {
  std::shared_lock lock(data_mutex_);
  std::vector<EpochEntry> out;
  out.reserve(epochs_.size());
  for (const auto& [epoch, start] : epochs_) out.push_back(EpochEntry{epoch, start});
  return out;
}

EpochEndOffset LeaderEpochCache::end_offset_for(std::int32_t requested_epoch, std::int64_t log_end_offset) const {
  std::shared_lock lock(data_mutex_);
  if (requested_epoch == kUndefinedEpoch) return EpochEndOffset{};
  if (!epochs_.empty() && epochs_.rbegin()->first == requested_epoch) {
    // The leader's current epoch is still being written: it ends at the log
    // end offset (what a consumer validating its position after a
    // rebalance needs).
    return EpochEndOffset{requested_epoch, log_end_offset};
  }
  const auto higher = epochs_.upper_bound(requested_epoch);
  if (higher == epochs_.end()) return EpochEndOffset{};  // above every known epoch
  if (higher == epochs_.begin()) {
    // Older than every known epoch: its data is gone, so the follower should
    // resume from the first epoch we still have.
    return EpochEndOffset{requested_epoch, higher->second};
  }
  return EpochEndOffset{std::prev(higher)->first, higher->second};
}

bool LeaderEpochCache::truncate_end(EpochMap& epochs, std::int64_t end_offset) {
  if (end_offset < 0 || epochs.empty() || epochs.rbegin()->second < end_offset) return false;
  while (!epochs.empty() && std::prev(epochs.end())->second >= end_offset) epochs.erase(std::prev(epochs.end()));
  return true;
}

bool LeaderEpochCache::truncate_start(EpochMap& epochs, std::int64_t start_offset) {
  std::optional<std::int32_t> last_removed;
  while (!epochs.empty() && epochs.begin()->second <= start_offset) {
    last_removed = epochs.begin()->first;
    epochs.erase(epochs.begin());
  }
  if (!last_removed) return false;
  epochs.emplace(*last_removed, start_offset);
  return true;
}

Status LeaderEpochCache::truncate_from_end(std::int64_t end_offset) {
  std::lock_guard writer(writer_mutex_);
  bool changed = false;
  {
    std::unique_lock data(data_mutex_);
    changed = truncate_end(epochs_, end_offset);
  }
  return changed ? persist() : Status::Ok();
}

Status LeaderEpochCache::truncate_from_start(std::int64_t start_offset) {
  std::lock_guard writer(writer_mutex_);
  bool changed = false;
  {
    std::unique_lock data(data_mutex_);
    changed = truncate_start(epochs_, start_offset);
  }
  return changed ? persist() : Status::Ok();
}

std::vector<EpochEntry> LeaderEpochCache::entries_in_range(std::int64_t start_offset, std::int64_t end_offset) const {
  EpochMap copy;
  {
    std::shared_lock lock(data_mutex_);
    copy = epochs_;
  }
  if (start_offset >= 0) truncate_start(copy, start_offset);
  truncate_end(copy, end_offset);
  std::vector<EpochEntry> out;
  out.reserve(copy.size());
  for (const auto& [epoch, start] : copy) out.push_back(EpochEntry{epoch, start});
  return out;
}

Status LeaderEpochCache::clear() {
  std::lock_guard writer(writer_mutex_);
  {
    std::unique_lock data(data_mutex_);
    epochs_.clear();
  }
  return persist();
}

}  // namespace sluice::storage
