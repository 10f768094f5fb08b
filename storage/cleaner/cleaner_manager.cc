#include "storage/cleaner/cleaner_manager.h"

#include <algorithm>
#include <limits>
#include <set>

#include "storage/checkpoint/offset_checkpoint_file.h"

namespace sluice::storage {

using protocol::Result;
using protocol::Status;

namespace {

std::filesystem::path normalized(const std::filesystem::path& p) {
  std::filesystem::path n = p.lexically_normal();
  if (!n.has_filename() && n.has_parent_path()) n = n.parent_path();
  return n;
}

std::filesystem::path log_dir_of(const Log& log) { return normalized(log.dir().parent_path()); }

// The segments from the one holding `offset` up to, not including, the
// active one (Kafka's nonActiveLogSegmentsFrom).
std::span<const Log::SegmentPtr> non_active_from(const std::vector<Log::SegmentPtr>& segments, std::int64_t offset) {
  if (segments.size() <= 1) return {};
  std::size_t first = 0;
  while (first + 1 < segments.size() && segments[first + 1]->base_offset() <= offset) ++first;
  return std::span<const Log::SegmentPtr>(segments.data() + first, segments.size() - 1 - first);
}

}  // namespace

CleanableOffsets cleanable_offsets(const Log& log, std::optional<std::int64_t> checkpointed_offset,
                                   std::int64_t now_ms) {
  const std::vector<Log::SegmentPtr> segments = log.segments();
  const std::int64_t active_base = segments.back()->base_offset();
  const std::int64_t log_start = log.log_start_offset();
  CleanableOffsets r;
  if (!checkpointed_offset) {
    r.first_dirty_offset = log_start;
  } else if (*checkpointed_offset < log_start || *checkpointed_offset > active_base) {
    // Retention or DeleteRecords moved the start past it, or truncation cut
    // the log below it.
    r.first_dirty_offset = log_start;
    r.force_checkpoint_update = true;
  } else {
    r.first_dirty_offset = *checkpointed_offset;
  }

  // Never past the active segment, nor past what is not yet decided (the
  // last stable offset, which also keeps unreplicated data out).
  r.first_uncleanable_offset = std::min(active_base, log.last_stable_offset());
  const std::int64_t lag = std::max<std::int64_t>(log.config()->min_compaction_lag_ms, 0);
  if (lag > 0) {
    for (const Log::SegmentPtr& s : non_active_from(segments, r.first_dirty_offset)) {
      if (s->largest_timestamp() > now_ms - lag) {
        r.first_uncleanable_offset = std::min(r.first_uncleanable_offset, s->base_offset());
        break;
      }
    }
  }
  return r;
}

std::int64_t max_compaction_delay_ms(const Log& log, std::int64_t first_dirty_offset, std::int64_t now_ms) {
  const std::vector<Log::SegmentPtr> segments = log.segments();
  std::int64_t earliest = std::numeric_limits<std::int64_t>::max();
  for (const Log::SegmentPtr& s : non_active_from(segments, first_dirty_offset)) {
    // The first batch's max timestamp (Kafka's getFirstBatchTimestamp).
    auto h = s->log().batch_header_at(0);
    if (h && h->has_value() && (*h)->max_timestamp > 0) earliest = std::min(earliest, (*h)->max_timestamp);
  }
  if (earliest == std::numeric_limits<std::int64_t>::max()) return 0;
  const std::int64_t max_lag = std::max<std::int64_t>(log.config()->max_compaction_lag_ms, 0);
  const std::int64_t clean_until = now_ms - max_lag;
  return earliest < clean_until ? clean_until - earliest : 0;
}

LogToClean make_log_to_clean(std::shared_ptr<Log> log, std::int64_t first_dirty_offset, std::int64_t uncleanable_offset,
                             std::int64_t max_compaction_delay) {
  const std::vector<Log::SegmentPtr> segments = log->segments();
  LogToClean ltc;
  ltc.first_dirty_offset = first_dirty_offset;
  ltc.max_compaction_delay_ms = max_compaction_delay;
  // Rounded down to the base of the segment holding the uncleanable offset.
  ltc.first_uncleanable_offset = segments.back()->base_offset();
  const auto from = non_active_from(segments, uncleanable_offset);
  if (!from.empty()) ltc.first_uncleanable_offset = from.front()->base_offset();

  const std::int64_t cleanable_from = std::min(first_dirty_offset, ltc.first_uncleanable_offset);
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const Log::SegmentPtr& s = segments[i];
    const std::int64_t next_base =
        i + 1 < segments.size() ? segments[i + 1]->base_offset() : std::numeric_limits<std::int64_t>::max();
    if (s->base_offset() < first_dirty_offset) ltc.clean_bytes += s->size();
    if (next_base > cleanable_from && s->base_offset() < ltc.first_uncleanable_offset) {
      ltc.cleanable_bytes += s->size();
    }
  }
  ltc.log = std::move(log);
  return ltc;
}

CleanerManager::CleanerManager(LogSource logs, const Clock& clock) : logs_(std::move(logs)), clock_(clock) {}

std::optional<LogToClean> CleanerManager::inspect_with(const std::shared_ptr<Log>& log,
                                                       std::optional<std::int64_t> checkpointed, std::int64_t now_ms,
                                                       bool* force_update) {
  if (!log->config()->compact()) return std::nullopt;
  const CleanableOffsets offsets = cleanable_offsets(*log, checkpointed, now_ms);
  if (force_update) *force_update = offsets.force_checkpoint_update;
  const std::int64_t delay = max_compaction_delay_ms(*log, offsets.first_dirty_offset, now_ms);
  return make_log_to_clean(log, offsets.first_dirty_offset, offsets.first_uncleanable_offset, delay);
}

std::optional<LogToClean> CleanerManager::inspect(const std::shared_ptr<Log>& log) {
  std::optional<std::int64_t> checkpointed;
  {
    std::lock_guard lock(checkpoint_mutex_);
    auto offsets = checkpoint_of_locked(log_dir_of(*log));
    if (offsets) {
      auto it = (*offsets)->find(log->topic_partition());
      if (it != (*offsets)->end()) checkpointed = it->second;
    }
  }
  auto ltc = inspect_with(log, checkpointed, clock_.now_ms(), nullptr);
  if (ltc) {
    std::lock_guard lock(mutex_);
    auto h = delete_horizons_.find(log->topic_partition());
    ltc->delete_horizon_passed = h != delete_horizons_.end() && h->second <= clock_.now_ms();
  }
  return ltc;
}

std::optional<LogToClean> CleanerManager::grab_filthiest_compacted_log() {
  const std::int64_t now = clock_.now_ms();
  const std::vector<std::shared_ptr<Log>> logs = logs_();
  std::set<TopicPartition> busy;
  std::map<TopicPartition, std::int64_t> horizons;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [tp, e] : states_) busy.insert(tp);
    for (const auto& [tp, s] : uncleanable_) busy.insert(tp);
    horizons = delete_horizons_;
  }

  std::vector<LogToClean> candidates;
  std::vector<std::pair<std::shared_ptr<Log>, std::int64_t>> forced;
  for (const std::shared_ptr<Log>& log : logs) {
    const TopicPartition& tp = log->topic_partition();
    if (busy.contains(tp) || !log->config()->compact()) continue;
    std::optional<std::int64_t> checkpointed;
    {
      std::lock_guard lock(checkpoint_mutex_);
      auto offsets = checkpoint_of_locked(log_dir_of(*log));
      if (offsets) {
        auto it = (*offsets)->find(tp);
        if (it != (*offsets)->end()) checkpointed = it->second;
      }
    }
    bool force = false;
    auto ltc = inspect_with(log, checkpointed, now, &force);
    if (!ltc) continue;
    if (force) forced.emplace_back(log, ltc->first_dirty_offset);
    auto h = horizons.find(tp);
    ltc->delete_horizon_passed = h != horizons.end() && h->second <= now;
    if (ltc->total_bytes() == 0) continue;
    if ((ltc->need_compaction_now() && ltc->cleanable_bytes > 0) ||
        ltc->cleanable_ratio() > log->config()->min_cleanable_dirty_ratio || ltc->delete_horizon_passed) {
      candidates.push_back(std::move(*ltc));
    }
  }
  for (const auto& [log, offset] : forced) (void)update_checkpoint(log_dir_of(*log), log->topic_partition(), offset);

  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const LogToClean& a, const LogToClean& b) { return a.cleanable_ratio() > b.cleanable_ratio(); });
  std::lock_guard lock(mutex_);
  for (LogToClean& ltc : candidates) {
    const TopicPartition& tp = ltc.log->topic_partition();
    // Another thread may have taken it, or someone paused it, meanwhile.
    if (states_.contains(tp) || uncleanable_.contains(tp)) continue;
    states_[tp] = Entry{State::kInProgress, 0};
    return std::move(ltc);
  }
  return std::nullopt;
}

void CleanerManager::finish_locked(const TopicPartition& tp) {
  auto it = states_.find(tp);
  if (it == states_.end()) return;
  if (it->second.state == State::kAborted) {
    it->second = Entry{State::kPaused, 1};
    paused_cv_.notify_all();
  } else if (it->second.state == State::kInProgress) {
    states_.erase(it);
  }
}

Status CleanerManager::done_cleaning(const Log& log, const CleanResult& result) {
  // Not through the log source: a caller of abort_and_pause_cleaning may
  // hold the lock that source takes while it waits for this round.
  const Status s = write_entry(log_dir_of(log), log.topic_partition(), result.end_offset, nullptr);
  std::lock_guard lock(mutex_);
  if (result.next_delete_horizon_ms) {
    delete_horizons_[log.topic_partition()] = *result.next_delete_horizon_ms;
  } else {
    delete_horizons_.erase(log.topic_partition());
  }
  finish_locked(log.topic_partition());
  return s;
}

void CleanerManager::cleaning_stopped(const Log& log, const Status& error) {
  std::lock_guard lock(mutex_);
  if (!error.ok()) uncleanable_[log.topic_partition()] = error;
  finish_locked(log.topic_partition());
}

bool CleanerManager::cleaning_aborted(const TopicPartition& tp) const {
  std::lock_guard lock(mutex_);
  auto it = states_.find(tp);
  return it != states_.end() && it->second.state == State::kAborted;
}

void CleanerManager::abort_and_pause_cleaning(const TopicPartition& tp) {
  std::unique_lock lock(mutex_);
  auto it = states_.find(tp);
  if (it == states_.end()) {
    states_[tp] = Entry{State::kPaused, 1};
    return;
  }
  if (it->second.state == State::kPaused) {
    ++it->second.pause_count;
    return;
  }
  // The round in progress sees the abort at its next check and hands the
  // log back, which leaves it paused once (for the caller who aborted).
  const bool aborting = it->second.state == State::kInProgress;
  if (aborting) it->second.state = State::kAborted;
  paused_cv_.wait(lock, [&] {
    auto e = states_.find(tp);
    return e == states_.end() || e->second.state == State::kPaused;
  });
  auto e = states_.find(tp);
  if (e == states_.end()) {
    states_[tp] = Entry{State::kPaused, 1};
  } else if (!aborting) {
    ++e->second.pause_count;
  }
}

void CleanerManager::resume_cleaning(const TopicPartition& tp) {
  std::lock_guard lock(mutex_);
  uncleanable_.erase(tp);
  auto it = states_.find(tp);
  if (it == states_.end() || it->second.state != State::kPaused) return;
  if (--it->second.pause_count <= 0) states_.erase(it);
}

bool CleanerManager::is_paused(const TopicPartition& tp) const {
  std::lock_guard lock(mutex_);
  auto it = states_.find(tp);
  return it != states_.end() && it->second.state == State::kPaused;
}

bool CleanerManager::in_progress(const TopicPartition& tp) const {
  std::lock_guard lock(mutex_);
  auto it = states_.find(tp);
  return it != states_.end() && it->second.state != State::kPaused;
}

std::map<TopicPartition, Status> CleanerManager::uncleanable_partitions() const {
  std::lock_guard lock(mutex_);
  return uncleanable_;
}

Result<CleanerManager::Offsets*> CleanerManager::checkpoint_of_locked(const std::filesystem::path& log_dir) {
  auto it = checkpoints_.find(log_dir);
  if (it != checkpoints_.end()) return &it->second;
  OffsetCheckpointFile file(log_dir / kCleanerOffsetCheckpointFile);
  auto read = file.read();
  if (!read) return read.status();
  Offsets offsets;
  for (const auto& [tp, offset] : *read) offsets[TopicPartition{tp.topic, tp.partition}] = offset;
  return &checkpoints_.emplace(log_dir, std::move(offsets)).first->second;
}

Status CleanerManager::write_checkpoint_locked(const std::filesystem::path& log_dir, const Offsets& offsets) {
  OffsetCheckpointFile::Offsets out;
  for (const auto& [tp, offset] : offsets) out[{tp.topic, tp.partition}] = offset;
  return OffsetCheckpointFile(log_dir / kCleanerOffsetCheckpointFile).write(out);
}

Result<std::map<TopicPartition, std::int64_t>> CleanerManager::all_cleaner_checkpoints() {
  std::set<std::filesystem::path> dirs;
  for (const std::shared_ptr<Log>& log : logs_()) dirs.insert(log_dir_of(*log));
  std::lock_guard lock(checkpoint_mutex_);
  for (const auto& [dir, offsets] : checkpoints_) dirs.insert(dir);
  std::map<TopicPartition, std::int64_t> all;
  for (const std::filesystem::path& dir : dirs) {
    auto offsets = checkpoint_of_locked(dir);
    if (!offsets) return offsets.status();
    all.insert((*offsets)->begin(), (*offsets)->end());
  }
  return all;
}

Status CleanerManager::update_checkpoint(const std::filesystem::path& log_dir, const TopicPartition& tp,
                                         std::optional<std::int64_t> offset) {
  const std::filesystem::path dir = normalized(log_dir);
  std::set<TopicPartition> present;
  for (const std::shared_ptr<Log>& log : logs_()) {
    if (log_dir_of(*log) == dir) present.insert(log->topic_partition());
  }
  return write_entry(dir, tp, offset, &present);
}

Status CleanerManager::write_entry(const std::filesystem::path& dir, const TopicPartition& tp,
                                   std::optional<std::int64_t> offset, const std::set<TopicPartition>* present) {
  std::lock_guard lock(checkpoint_mutex_);
  auto current = checkpoint_of_locked(dir);
  if (!current) return current.status();
  Offsets next;
  for (const auto& [p, o] : **current) {
    if (!present || present->contains(p)) next[p] = o;
  }
  if (offset) {
    next[tp] = *offset;
  } else {
    next.erase(tp);
  }
  if (Status s = write_checkpoint_locked(dir, next); !s.ok()) return s;
  **current = std::move(next);
  return {};
}

Status CleanerManager::maybe_truncate_checkpoint(const std::filesystem::path& log_dir, const TopicPartition& tp,
                                                 std::int64_t offset) {
  std::optional<std::int64_t> current;
  {
    std::lock_guard lock(checkpoint_mutex_);
    auto offsets = checkpoint_of_locked(normalized(log_dir));
    if (!offsets) return offsets.status();
    auto it = (*offsets)->find(tp);
    if (it != (*offsets)->end()) current = it->second;
  }
  if (!current || *current <= offset) return {};
  return update_checkpoint(log_dir, tp, offset);
}

}  // namespace sluice::storage
