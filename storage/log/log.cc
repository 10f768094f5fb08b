#include "storage/log/log.h"

#include <algorithm>
#include <limits>
#include <set>

#include "protocol/int_math.h"
#include "storage/checkpoint/atomic_file.h"
#include "storage/checkpoint/partition_metadata_file.h"
#include "storage/producer/producer_snapshot_file.h"

namespace sluice::storage {

using protocol::ErrorCode;
using protocol::Result;
using protocol::Status;

namespace {

constexpr std::string_view kEpochCheckpoint = "leader-epoch-checkpoint";

// The base offset a segment file is named after: "00000000000000000042.log" -> 42.
std::optional<std::int64_t> base_offset_of(const std::string& name) {
  if (name.size() < 20) return std::nullopt;
  std::int64_t v = 0;
  for (int i = 0; i < 20; ++i) {
    if (name[i] < '0' || name[i] > '9') return std::nullopt;
    v = v * 10 + (name[i] - '0');
  }
  return v;
}

Status out_of_range(std::int64_t offset, const TopicPartition& tp, std::int64_t start, std::int64_t end) {
  return {ErrorCode::OFFSET_OUT_OF_RANGE, "offset " + std::to_string(offset) + " of " + tp.to_string() +
                                              " is outside [" + std::to_string(start) + ", " + std::to_string(end) +
                                              "]"};
}

}  // namespace

Log::Log(Private, std::filesystem::path dir, TopicPartition tp, std::shared_ptr<const LogConfig> config,
         const Clock& clock, Scheduler& scheduler, std::size_t max_decompressed)
    : dir_(std::move(dir)),
      tp_(std::move(tp)),
      clock_(clock),
      scheduler_(scheduler),
      max_decompressed_(max_decompressed),
      config_(std::move(config)) {}

Log::~Log() {
  if (!closed_) {
    for (auto& [base, segment] : segments_) segment->close();
  }
}

Result<std::shared_ptr<Log>> Log::open(std::filesystem::path dir, TopicPartition tp,
                                       std::shared_ptr<const LogConfig> config, const LogOpenOptions& options,
                                       const Clock& clock, Scheduler& scheduler) {
  auto log = std::make_shared<Log>(Private{}, std::move(dir), std::move(tp), std::move(config), clock, scheduler,
                                   options.max_decompressed_bytes);
  if (Status s = log->load(options); !s.ok()) return s;
  return log;
}

std::shared_ptr<const LogConfig> Log::config() const {
  std::lock_guard lock(config_mutex_);
  return config_;
}

void Log::update_config(std::shared_ptr<const LogConfig> config) {
  std::lock_guard lock(config_mutex_);
  config_ = std::move(config);
}

Status Log::complete_interrupted_swaps() {
  // A ".swap" segment is a compacted replacement whose swap was cut short:
  // it replaces the segments in its offset range (Kafka's LogLoader).
  std::error_code ec;
  std::vector<std::int64_t> swaps;
  for (const auto& e : std::filesystem::directory_iterator(dir_, ec)) {
    const std::string name = e.path().filename().string();
    if (name.ends_with(std::string(kLogSuffix) + std::string(kSwapSuffix))) {
      if (auto base = base_offset_of(name)) swaps.push_back(*base);
    }
  }
  std::sort(swaps.begin(), swaps.end());
  const auto cfg = config();
  for (std::int64_t base : swaps) {
    auto swap = LogSegment::open(dir_, base, *cfg, false, clock_.now_ms(), kSwapSuffix);
    if (!swap) return swap.status();
    // Its transaction index came with it (the cleaner wrote it): kept.
    (void)(*swap)->recover([](const protocol::RecordBatchView&) { return Status{}; });
    auto next = (*swap)->read_next_offset();
    if (!next) return next.status();
    for (const auto& e : std::filesystem::directory_iterator(dir_, ec)) {
      const std::string name = e.path().filename().string();
      auto other = base_offset_of(name);
      if (!other || *other < base || *other >= std::max(*next, base + 1)) continue;
      if (name.ends_with(kLogSuffix) || name.ends_with(kIndexSuffix) || name.ends_with(kTimeIndexSuffix) ||
          name.ends_with(kTxnIndexSuffix)) {
        std::filesystem::remove(e.path(), ec);
      }
    }
    if (Status s = (*swap)->change_suffix(kSwapSuffix, ""); !s.ok()) return s;
    (*swap)->close();
  }
  return {};
}

void Log::remove_orphan_index_files() {
  // An index whose log file is gone (a deletion or truncation a crash cut
  // short) would be taken for a new segment's at the same base: Kafka's
  // LogLoader deletes them.
  std::error_code ec;
  std::vector<std::filesystem::path> orphans;
  for (const auto& e : std::filesystem::directory_iterator(dir_, ec)) {
    const std::string name = e.path().filename().string();
    if (!name.ends_with(kIndexSuffix) && !name.ends_with(kTimeIndexSuffix) && !name.ends_with(kTxnIndexSuffix)) {
      continue;
    }
    const auto base = base_offset_of(name);
    if (base && !std::filesystem::exists(dir_ / (offset_file_name(*base) + std::string(kLogSuffix)), ec)) {
      orphans.push_back(e.path());
    }
  }
  for (const auto& path : orphans) std::filesystem::remove(path, ec);
}

Status Log::load(const LogOpenOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return storage_error("create", dir_, ec.value());

  // Leftovers of deletions, cleanings and checkpoint writes that a crash cut short.
  for (const auto& e : std::filesystem::directory_iterator(dir_, ec)) {
    const std::string name = e.path().filename().string();
    if (name.ends_with(kDeletedSuffix) || name.ends_with(kCleanedSuffix) || name.ends_with(".tmp")) {
      std::filesystem::remove(e.path(), ec);
    }
  }
  if (Status s = complete_interrupted_swaps(); !s.ok()) return s;
  remove_orphan_index_files();

  auto cache = LeaderEpochCache::open(dir_ / kEpochCheckpoint);
  if (!cache) return cache.status();
  epoch_cache_ = std::move(cache).value();

  auto producers = ProducerStateManager::open(dir_, options.producer_id_expiration_ms);
  if (!producers) return producers.status();
  producer_state_ = std::make_unique<ProducerStateManager>(std::move(producers).value());

  const auto cfg = config();
  std::set<std::int64_t> bases;
  for (const auto& e : std::filesystem::directory_iterator(dir_, ec)) {
    const std::string name = e.path().filename().string();
    if (!name.ends_with(kLogSuffix)) continue;
    if (auto base = base_offset_of(name)) bases.insert(*base);
  }
  // Segments to rebuild: damaged indexes (Kafka's CorruptIndexException),
  // and after an unclean shutdown everything from the recovery point on.
  std::set<std::int64_t> damaged;
  for (std::int64_t base : bases) {
    const bool had_index = std::filesystem::exists(dir_ / (offset_file_name(base) + std::string(kIndexSuffix)));
    auto segment = LogSegment::open(dir_, base, *cfg, false, clock_.now_ms());
    if (!segment) return segment.status();
    const bool indexes_ok = had_index && (*segment)->offset_index().sanity_check().ok() &&
                            (*segment)->time_index().sanity_check().ok() && (*segment)->txn_index().sanity_check().ok();
    if (!indexes_ok) damaged.insert(base);
    segments_.emplace(base, std::move(segment).value());
  }
  std::int64_t unflushed_from = std::numeric_limits<std::int64_t>::max();
  if (!options.had_clean_shutdown && !segments_.empty()) {
    // Segments from the one holding the recovery point on may hold torn writes.
    auto it = segments_.upper_bound(options.recovery_point);
    if (it != segments_.begin()) --it;
    unflushed_from = it->first;
    for (; it != segments_.end(); ++it) damaged.insert(it->first);
  }
  const std::int64_t start_hint =
      segments_.empty() ? options.log_start_offset : std::max(options.log_start_offset, segments_.begin()->first);
  if (!damaged.empty()) {
    if (Status s = recover_segments(damaged, unflushed_from, start_hint); !s.ok()) return s;
  }
  if (segments_.empty()) {
    const std::int64_t base = std::max<std::int64_t>(options.log_start_offset, 0);
    auto segment = LogSegment::open(dir_, base, *cfg, true, clock_.now_ms());
    if (!segment) return segment.status();
    segments_.emplace(base, std::move(segment).value());
  }

  SegmentPtr active = active_segment_locked();
  if (Status s = active->on_becoming_active(cfg->segment_index_bytes); !s.ok()) return s;
  auto next = active->read_next_offset();
  if (!next) return next.status();
  publish_log_end_locked(*next, active->base_offset(), active->size());

  const std::int64_t start = std::max(options.log_start_offset, segments_.begin()->first);
  log_start_offset_ = std::min(start, *next);
  recovery_point_ = options.had_clean_shutdown ? *next : std::min(options.recovery_point, *next);
  last_flush_ms_ = clock_.now_ms();
  (void)epoch_cache_->truncate_from_end(*next);
  (void)epoch_cache_->truncate_from_start(log_start_offset());

  const std::int64_t hw = std::clamp(options.high_watermark.value_or(*next), log_start_offset(), *next);
  hw_metadata_ = metadata_for_locked(hw);
  hw_ = hw;

  if (Status s = load_producer_state(options.had_clean_shutdown && damaged.empty()); !s.ok()) return s;
  producer_state_->on_high_watermark_updated(hw);
  refresh_first_unstable_locked();

  if (!options.topic_id.is_zero()) {
    topic_id_ = options.topic_id;
    PartitionMetadataFile metadata(dir_ / "partition.metadata");
    if (!std::filesystem::exists(metadata.path())) {
      if (Status s = metadata.write(topic_id_); !s.ok()) return s;
    }
  }
  return {};
}

Status Log::recover_segments(const std::set<std::int64_t>& damaged, std::int64_t unflushed_from,
                             std::int64_t log_start) {
  // Kafka's LogLoader.recoverSegment: the producer state as of the first
  // damaged segment (its newest snapshot at or below it, then the log after
  // that), then each damaged segment re-read batch by batch, rebuilding its
  // indexes, the leader epochs and its aborted transactions.
  const std::int64_t first = *damaged.begin();
  if (Status s = producer_state_->truncate_and_reload(log_start, first, clock_.now_ms()); !s.ok()) return s;
  if (Status s = replay_producer_state(first); !s.ok()) return s;
  for (auto it = segments_.find(first); it != segments_.end(); ++it) {
    const SegmentPtr segment = it->second;
    const auto next = std::next(it);
    if (!damaged.contains(it->first)) {
      // A sound segment between damaged ones: only the producer state needs it.
      const std::int64_t end = next == segments_.end() ? std::numeric_limits<std::int64_t>::max() : next->first;
      if (Status s = replay_producer_state(end); !s.ok()) return s;
      continue;
    }
    if (Status s = segment->txn_index().reset(); !s.ok()) return s;
    auto dropped = segment->recover([&](const protocol::RecordBatchView& batch) -> Status {
      const protocol::RecordBatchHeader& h = batch.header();
      if (h.partition_leader_epoch >= 0) {
        const auto latest = epoch_cache_->latest_epoch();
        if (!latest || *latest < h.partition_leader_epoch)
          (void)epoch_cache_->assign(h.partition_leader_epoch, h.base_offset);
      }
      // Below the state's end (a snapshot past the log start) it is known.
      if (h.last_offset() < producer_state_->map_end_offset()) return {};
      return replay_batch(batch, segment.get());
    });
    if (!dropped) return dropped.status();
    if (*dropped > 0 && it->first >= unflushed_from) {
      // What follows a torn write is not trusted: Kafka drops it.
      for (auto rest = std::next(it); rest != segments_.end();) {
        if (Status s = rest->second->delete_files(); !s.ok()) return s;
        rest = segments_.erase(rest);
      }
      break;
    }
  }
  return {};
}

Status Log::load_producer_state(bool reload_from_clean_shutdown) {
  // Kafka's UnifiedLog.rebuildProducerState.
  const std::int64_t end = leo_metadata_.offset;
  if (reload_from_clean_shutdown && !producer_state_->latest_snapshot_offset()) {
    // A log written before producer state was kept (Kafka's upgrade path):
    // after a clean shutdown it is taken to hold no producer state, so the
    // whole log is not read. Empty snapshots at the last two segments'
    // bases and the end spare a later truncation that scan too.
    std::vector<std::int64_t> offsets;
    if (segments_.size() >= 2) offsets.push_back(std::prev(segments_.end(), 2)->first);
    offsets.push_back(segments_.rbegin()->first);
    offsets.push_back(end);
    for (std::int64_t offset : offsets) {
      producer_state_->update_map_end_offset(offset);
      if (Status s = producer_state_->take_snapshot(); !s.ok()) return s;
    }
  }
  if (Status s = producer_state_->truncate_and_reload(log_start_offset(), end, clock_.now_ms()); !s.ok()) return s;
  return replay_producer_state(end);
}

Status Log::replay_producer_state(std::int64_t to) {
  const std::int64_t from = producer_state_->map_end_offset();
  if (from >= to) return {};
  std::vector<SegmentPtr> segments;
  {
    std::shared_lock lock(segments_mutex_);
    auto it = segments_.upper_bound(from);
    if (it != segments_.begin()) --it;
    for (; it != segments_.end() && it->first < to; ++it) segments.push_back(it->second);
  }
  for (const SegmentPtr& segment : segments) {
    std::uint64_t start = 0;
    if (segment->base_offset() < from) {
      auto at = segment->translate_offset(from);
      if (!at) return at.status();
      if (!at->has_value()) continue;
      start = (*at)->position;
    }
    Status error;
    auto scanned = segment->log().for_each_entry(start, [&](std::span<const std::uint8_t> entry, std::uint64_t) {
      auto batch = protocol::RecordBatchView::parse(entry);
      if (!batch) {
        error = batch.status();
        return false;
      }
      const protocol::RecordBatchHeader& h = batch->header();
      if (h.base_offset >= to) return false;
      if (h.last_offset() < producer_state_->map_end_offset()) return true;
      error = replay_batch(*batch, nullptr);
      return error.ok();
    });
    if (!scanned) return scanned.status();
    if (!error.ok()) return error;
  }
  if (producer_state_->map_end_offset() < to && to != std::numeric_limits<std::int64_t>::max()) {
    producer_state_->update_map_end_offset(to);
  }
  return {};
}

Status Log::replay_batch(const protocol::RecordBatchView& batch, LogSegment* index_into) {
  const protocol::RecordBatchHeader& h = batch.header();
  if (h.has_producer_id()) {
    std::optional<ControlBatchMarker> marker;
    if (h.is_control()) {
      auto read = read_control_batch_marker(batch, max_decompressed_);
      if (!read) return read.status();
      marker = *read;
    }
    ProducerAppendInfo info = producer_state_->prepare_update(h.producer_id, AppendOrigin::kReplication);
    auto completed = info.append(h, marker);
    if (!completed) return completed.status();
    if (Status s = producer_state_->update(info); !s.ok()) return s;
    if (*completed) {
      const CompletedTxn& txn = **completed;
      if (txn.is_aborted && index_into != nullptr) {
        const AbortedTxn entry{txn.producer_id, txn.first_offset, txn.last_offset,
                               producer_state_->last_stable_offset(txn)};
        if (Status s = index_into->txn_index().append(entry); !s.ok()) return s;
      }
      if (Status s = producer_state_->complete_txn(txn); !s.ok()) return s;
    }
  }
  producer_state_->update_map_end_offset(h.next_offset());
  return {};
}

Result<Log::ProducerUpdate> Log::analyze_producer_state(const ValidatedRecords& validated, AppendOrigin origin) const {
  ProducerUpdate update;
  for (const AppendedBatch& b : validated.batches) {
    if (b.producer_id < 0) continue;
    const std::span<const std::uint8_t> bytes = validated.bytes.subspan(b.position_in_records, b.size);
    auto header = protocol::parse_batch_header(bytes);
    if (!header) return header.status();
    if (origin == AppendOrigin::kClient) {
      // A retry of a batch already appended (the producer did not get the
      // answer): acknowledged with the original offsets, appended once.
      if (std::optional<BatchMetadata> duplicate = producer_state_->find_duplicate(*header)) {
        update.duplicate = duplicate;
        return update;
      }
    }
    std::optional<ControlBatchMarker> marker;
    if (header->is_control()) {
      auto view = protocol::RecordBatchView::parse(bytes);
      if (!view) return view.status();
      auto read = read_control_batch_marker(*view, max_decompressed_);
      if (!read) return read.status();
      marker = *read;
    }
    auto it = update.producers.find(b.producer_id);
    if (it == update.producers.end()) {
      it = update.producers.emplace(b.producer_id, producer_state_->prepare_update(b.producer_id, origin)).first;
    }
    auto completed = it->second.append(*header, marker);
    if (!completed) return completed.status();
    if (*completed) update.completed.push_back(**completed);
  }
  return update;
}

Status Log::apply_producer_update(const ProducerUpdate& update, LogSegment& segment, std::int64_t end_offset) {
  // Kafka's order: producers first, then each completed transaction with the
  // last stable offset it leaves (its aborted-index entry), then the map end.
  Status result;
  auto keep_first = [&result](Status s) {
    if (!s.ok() && result.ok()) result = std::move(s);
  };
  for (const auto& [producer_id, info] : update.producers) keep_first(producer_state_->update(info));
  for (const CompletedTxn& txn : update.completed) {
    if (txn.is_aborted) {
      keep_first(segment.txn_index().append(
          AbortedTxn{txn.producer_id, txn.first_offset, txn.last_offset, producer_state_->last_stable_offset(txn)}));
    }
    keep_first(producer_state_->complete_txn(txn));
  }
  producer_state_->update_map_end_offset(end_offset);
  refresh_first_unstable_locked();
  return result;
}

void Log::refresh_first_unstable_locked() {
  std::optional<std::int64_t> offset = producer_state_->first_unstable_offset();
  // Kafka's maybeIncrementFirstUnstableOffset: never below the log start.
  if (offset) offset = std::max(*offset, log_start_offset());
  // first_unstable_ and the high watermark only change under the append
  // lock, which the caller holds: they can be read here without the
  // segments lock. Most appends change neither the first unstable offset
  // nor the LSO, and skip the exclusive lock.
  const bool same_offset =
      offset.has_value() == first_unstable_.has_value() && (!offset || first_unstable_->offset == *offset);
  const std::int64_t hw = hw_.load(std::memory_order_acquire);
  if (same_offset && lso_.load(std::memory_order_acquire) == (offset && *offset < hw ? *offset : hw)) return;
  std::optional<LogOffsetMetadata> metadata;
  if (offset) {
    std::shared_lock lock(segments_mutex_);
    if (same_offset) {
      metadata = first_unstable_;
    } else if (*offset < leo_metadata_.offset) {
      metadata = metadata_for_locked(*offset);
    }
  }
  std::unique_lock lock(segments_mutex_);
  first_unstable_ = metadata;
  publish_lso_locked();
}

LogOffsetMetadata Log::lso_metadata_locked() const {
  if (first_unstable_ && first_unstable_->offset < hw_metadata_.offset) return *first_unstable_;
  return hw_metadata_;
}

void Log::publish_lso_locked() { lso_.store(lso_metadata_locked().offset, std::memory_order_release); }

std::optional<std::int64_t> Log::first_unstable_offset() const {
  std::shared_lock lock(segments_mutex_);
  if (!first_unstable_) return std::nullopt;
  return first_unstable_->offset;
}

void Log::publish_log_end_locked(std::int64_t leo, std::int64_t segment_base, std::uint64_t position) {
  leo_metadata_ = LogOffsetMetadata{leo, segment_base, position, true};
  leo_.store(leo, std::memory_order_release);
}

LogOffsetMetadata Log::metadata_for_locked(std::int64_t offset) const {
  if (offset >= leo_metadata_.offset) return leo_metadata_;
  auto it = segments_.upper_bound(offset);
  if (it == segments_.begin()) return LogOffsetMetadata{offset, offset, 0, true};
  --it;
  auto at = it->second->translate_offset(offset);
  if (!at || !at->has_value()) return LogOffsetMetadata{offset, it->first, it->second->size(), true};
  return LogOffsetMetadata{offset, it->first, (*at)->position, true};
}

Result<LogAppendInfo> Log::append_as_leader(std::span<std::uint8_t> records, std::int32_t leader_epoch,
                                            AppendOrigin origin, std::vector<RecordError>& record_errors) {
  std::lock_guard append_lock(append_mutex_);
  if (closed_) return {ErrorCode::KAFKA_STORAGE_ERROR, "log " + tp_.to_string() + " is closed"};
  const auto cfg = config();
  ValidationContext ctx;
  ctx.first_offset = log_end_offset();
  ctx.leader_epoch = leader_epoch;
  ctx.now_ms = clock_.now_ms();
  ctx.origin = origin;
  ctx.max_decompressed_bytes = max_decompressed_;
  Result<ValidatedRecords> validated = validate_and_assign_offsets(records, *cfg, ctx, record_errors);
  if (!validated) return validated.status();
  LogAppendInfo info;
  info.log_start_offset = log_start_offset();
  if (validated->record_count == 0) return info;
  if (static_cast<std::int64_t>(validated->bytes.size()) > cfg->segment_bytes) {
    return {ErrorCode::RECORD_LIST_TOO_LARGE,
            "records of " + std::to_string(validated->bytes.size()) + " bytes exceed segment.bytes"};
  }
  // Offsets were assigned in the request's buffer only: nothing is published
  // until the write, so a rejected or duplicate request leaves no trace.
  Result<ProducerUpdate> producers = analyze_producer_state(*validated, origin);
  if (!producers) return producers.status();
  if (const std::optional<BatchMetadata>& duplicate = producers->duplicate) {
    info.first_offset = duplicate->first_offset();
    info.last_offset = duplicate->last_offset;
    // The original answer's append time: the batch's max timestamp under
    // LogAppendTime (-1 otherwise, as the original answer said).
    if (cfg->message_timestamp_type == TimestampType::kLogAppendTime) info.log_append_time = duplicate->timestamp;
    info.duplicate = true;
    return info;
  }
  if (leader_epoch >= 0) {
    const auto latest = epoch_cache_->latest_epoch();
    if (!latest || *latest < leader_epoch) (void)epoch_cache_->assign(leader_epoch, validated->first_offset);
  }

  SegmentPtr active;
  {
    std::shared_lock lock(segments_mutex_);
    active = active_segment_locked();
  }
  if (active->should_roll(*cfg, validated->bytes.size(), validated->max_timestamp, validated->last_offset,
                          ctx.now_ms)) {
    if (Status s = roll_locked(validated->first_offset); !s.ok()) return s;
    std::shared_lock lock(segments_mutex_);
    active = active_segment_locked();
  }
  if (Status s = active->append(validated->last_offset, validated->max_timestamp, validated->offset_of_max_timestamp,
                                validated->bytes);
      !s.ok()) {
    return s;
  }
  {
    std::unique_lock lock(segments_mutex_);
    publish_log_end_locked(validated->last_offset + 1, active->base_offset(), active->size());
  }
  // The data is in the log whatever happens here; an index write failure is
  // reported (the disk is failing) but the state still follows the log.
  const Status producer_status = apply_producer_update(*producers, *active, validated->last_offset + 1);
  if (!producer_status.ok()) return producer_status;
  info.first_offset = validated->first_offset;
  info.last_offset = validated->last_offset;
  info.max_timestamp = validated->max_timestamp;
  info.offset_of_max_timestamp = validated->offset_of_max_timestamp;
  info.log_append_time = validated->log_append_time;
  info.record_count = validated->record_count;
  info.batches = std::move(validated->batches);
  return info;
}

Status Log::roll() {
  std::lock_guard append_lock(append_mutex_);
  return roll_locked(log_end_offset());
}

Status Log::roll_locked(std::int64_t expected_next_offset) {
  const std::int64_t base = std::max(expected_next_offset, log_end_offset());
  SegmentPtr old;
  {
    std::shared_lock lock(segments_mutex_);
    old = active_segment_locked();
  }
  if (old->base_offset() == base && old->size() == 0) return {};  // already a fresh segment
  const auto cfg = config();
  auto segment = LogSegment::open(dir_, base, *cfg, true, clock_.now_ms());
  if (!segment) return segment.status();
  if (Status s = old->on_becoming_inactive(); !s.ok()) return s;
  {
    std::unique_lock lock(segments_mutex_);
    segments_.emplace(base, std::move(segment).value());
    publish_log_end_locked(leo_metadata_.offset, base, 0);
  }
  // Kafka snapshots the producer state at the new segment's base, so
  // recovering a segment starts from the snapshot at its base; the fsync is
  // left to the background flush, off the append lock.
  producer_state_->update_map_end_offset(base);
  std::optional<std::filesystem::path> snapshot;
  if (producer_state_->take_snapshot(false).ok() && producer_state_->latest_snapshot_offset() == base) {
    snapshot = producer_snapshot_path(dir_, base);
  }
  // Kafka flushes the segment it rolled away from in the background.
  std::weak_ptr<Log> weak = weak_from_this();
  scheduler_.submit([weak, base, snapshot] {
    if (snapshot) (void)flush_producer_snapshot(*snapshot);
    if (auto self = weak.lock()) (void)self->flush(base);
  });
  return {};
}

Result<LogReadResult> Log::read(std::int64_t offset, std::uint64_t max_bytes, FetchIsolation isolation,
                                bool min_one_message) const {
  LogReadResult result;
  LogOffsetMetadata bound;
  // From the segment holding `offset` to the bound's; for read_committed to
  // the last, as aborted transactions may be indexed in later segments
  // (Kafka searches them the same way).
  std::vector<SegmentPtr> candidates;
  {
    std::shared_lock lock(segments_mutex_);
    result.log_start_offset = log_start_offset();
    result.log_end_offset = leo_metadata_.offset;
    result.high_watermark = hw_metadata_.offset;
    const LogOffsetMetadata lso = lso_metadata_locked();
    result.last_stable_offset = lso.offset;
    if (offset < result.log_start_offset || offset > result.log_end_offset) {
      return out_of_range(offset, tp_, result.log_start_offset, result.log_end_offset);
    }
    switch (isolation) {
      case FetchIsolation::kLogEnd:
        bound = leo_metadata_;
        break;
      case FetchIsolation::kHighWatermark:
        bound = hw_metadata_;
        break;
      case FetchIsolation::kTxnCommitted:
        bound = lso;
        result.aborted_transactions.emplace();
        break;
    }
    if (offset >= bound.offset) return result;
    auto it = segments_.upper_bound(offset);
    if (it != segments_.begin()) --it;
    for (; it != segments_.end(); ++it) {
      if (isolation != FetchIsolation::kTxnCommitted && it->first > bound.segment_base_offset) break;
      candidates.push_back(it->second);
    }
  }
  for (std::size_t i = 0; i < candidates.size() && candidates[i]->base_offset() <= bound.segment_base_offset; ++i) {
    const SegmentPtr& segment = candidates[i];
    const std::uint64_t max_position =
        segment->base_offset() == bound.segment_base_offset ? bound.position : segment->size();
    auto read = segment->read(offset, max_bytes, max_position, min_one_message);
    if (!read) return read.status();
    if (!read->has_value()) continue;
    result.records = (*read)->slice;
    result.first_batch_offset = (*read)->first_batch_offset;
    if (isolation == FetchIsolation::kTxnCommitted && !result.records.empty()) {
      // Kafka's fetchUpperBoundOffset: an offset surely past what the slice
      // holds (the next indexed batch beyond it, else the next segment).
      std::int64_t upper = i + 1 < candidates.size() ? candidates[i + 1]->base_offset() : result.log_end_offset;
      const OffsetPosition start{(*read)->first_batch_offset, static_cast<std::int32_t>((*read)->first_position)};
      if (auto past = segment->offset_index().fetch_upper_bound_offset(
              start, static_cast<std::int32_t>(std::min<std::uint64_t>(result.records.length, INT32_MAX)))) {
        upper = std::min(upper, past->offset);
      }
      upper = std::min(upper, bound.offset);
      std::vector<AbortedTxn>& aborted = *result.aborted_transactions;
      for (std::size_t k = i; k < candidates.size(); ++k) {
        TxnIndexSearchResult found = candidates[k]->txn_index().collect_aborted(offset, upper);
        aborted.insert(aborted.end(), found.aborted.begin(), found.aborted.end());
        if (found.is_complete) break;
      }
    }
    return result;
  }
  return result;
}

std::vector<AbortedTxn> Log::collect_aborted_transactions(std::int64_t start, std::int64_t upper) const {
  std::vector<SegmentPtr> from;
  {
    std::shared_lock lock(segments_mutex_);
    auto it = segments_.upper_bound(start);
    if (it != segments_.begin()) --it;
    for (; it != segments_.end(); ++it) from.push_back(it->second);
  }
  std::vector<AbortedTxn> aborted;
  for (const SegmentPtr& segment : from) {
    TxnIndexSearchResult found = segment->txn_index().collect_aborted(start, upper);
    aborted.insert(aborted.end(), found.aborted.begin(), found.aborted.end());
    if (found.is_complete) break;
  }
  return aborted;
}

std::vector<ActiveProducer> Log::active_producers() const {
  std::lock_guard append_lock(append_mutex_);
  std::vector<ActiveProducer> out;
  if (!producer_state_) return out;
  for (const auto& [producer_id, entry] : producer_state_->active_producers()) {
    ActiveProducer& p = out.emplace_back();
    p.producer_id = producer_id;
    p.producer_epoch = entry.producer_epoch();
    p.last_sequence = entry.last_seq();
    p.last_timestamp = entry.last_timestamp();
    p.coordinator_epoch = entry.coordinator_epoch();
    p.current_txn_start_offset = entry.current_txn_first_offset().value_or(-1);
    p.last_data_offset = entry.last_data_offset();
  }
  return out;
}

bool Log::has_ongoing_transaction(std::int64_t producer_id) const {
  std::lock_guard append_lock(append_mutex_);
  if (!producer_state_) return false;
  const ProducerStateEntry* entry = producer_state_->last_entry(producer_id);
  return entry != nullptr && entry->current_txn_first_offset().has_value();
}

void Log::remove_expired_producers(std::int64_t now_ms) {
  std::lock_guard append_lock(append_mutex_);
  if (producer_state_) producer_state_->remove_expired_producers(now_ms);
}

std::optional<std::int64_t> Log::latest_producer_snapshot_offset() const {
  std::lock_guard append_lock(append_mutex_);
  if (!producer_state_) return std::nullopt;
  return producer_state_->latest_snapshot_offset();
}

Result<std::optional<TimestampAndOffset>> Log::fetch_offset_by_timestamp(std::int64_t timestamp) const {
  using Found = std::optional<TimestampAndOffset>;
  auto epoch_at = [this](std::int64_t offset) { return epoch_cache_->epoch_for_offset(offset); };
  switch (timestamp) {
    case list_offsets::kEarliest:
    case list_offsets::kEarliestLocal: {
      const std::int64_t start = log_start_offset();
      return Found(TimestampAndOffset{protocol::kNoTimestamp, start, epoch_at(start)});
    }
    case list_offsets::kLatest: {
      const std::int64_t end = log_end_offset();
      return Found(TimestampAndOffset{protocol::kNoTimestamp, end, epoch_cache_->latest_epoch()});
    }
    case list_offsets::kLatestTiered:
      // No tiered storage: Kafka answers offset -1.
      return Found(TimestampAndOffset{protocol::kNoTimestamp, -1, std::nullopt});
    default:
      break;
  }
  const std::vector<SegmentPtr> all = segments();
  if (timestamp == list_offsets::kMaxTimestamp) {
    // KIP-734: the record with the largest timestamp; the first one on ties.
    SegmentPtr best;
    for (const SegmentPtr& s : all) {
      if (!best || s->max_timestamp_so_far() > best->max_timestamp_so_far()) best = s;
    }
    if (!best || best->max_timestamp_so_far() < 0) return Found();
    return best->find_offset_by_timestamp(best->max_timestamp_so_far(), log_start_offset(), max_decompressed_);
  }
  for (const SegmentPtr& s : all) {
    if (s->largest_timestamp() < timestamp) continue;
    auto found = s->find_offset_by_timestamp(timestamp, log_start_offset(), max_decompressed_);
    if (!found) return found.status();
    if (found->has_value()) return found;
  }
  return Found();
}

std::uint64_t Log::size_in_bytes() const {
  std::shared_lock lock(segments_mutex_);
  std::uint64_t total = 0;
  for (const auto& [base, s] : segments_) total += s->size();
  return total;
}

std::size_t Log::segment_count() const {
  std::shared_lock lock(segments_mutex_);
  return segments_.size();
}

std::vector<Log::SegmentPtr> Log::segments() const {
  std::shared_lock lock(segments_mutex_);
  std::vector<SegmentPtr> out;
  out.reserve(segments_.size());
  for (const auto& [base, s] : segments_) out.push_back(s);
  return out;
}

bool Log::update_high_watermark(std::int64_t offset) {
  std::lock_guard append_lock(append_mutex_);
  {
    std::unique_lock lock(segments_mutex_);
    offset = std::clamp(offset, log_start_offset(), leo_metadata_.offset);
    if (offset == hw_metadata_.offset) return false;
    hw_metadata_ = metadata_for_locked(offset);
    hw_.store(offset, std::memory_order_release);
    publish_lso_locked();
  }
  // Markers now below the high watermark no longer hold the LSO back.
  if (producer_state_) {
    producer_state_->on_high_watermark_updated(offset);
    refresh_first_unstable_locked();
  }
  return true;
}

void Log::maybe_move_log_start(std::int64_t offset) {
  std::int64_t current = log_start_offset();
  while (offset > current && !log_start_offset_.compare_exchange_weak(current, offset)) {
  }
  if (offset > current) (void)epoch_cache_->truncate_from_start(offset);
}

Status Log::delete_records_before(std::int64_t offset) {
  std::lock_guard append_lock(append_mutex_);
  if (offset > high_watermark()) {
    return {ErrorCode::OFFSET_OUT_OF_RANGE,
            "Cannot increment the log start offset to " + std::to_string(offset) + " of " + tp_.to_string() +
                " since it is larger than the high watermark " + std::to_string(high_watermark())};
  }
  maybe_move_log_start(offset);
  // Kafka's maybeIncrementLogStartOffset: transactions decided below the new
  // start are forgotten, and the first unstable offset cannot stay below it.
  producer_state_->on_log_start_offset_incremented(log_start_offset());
  refresh_first_unstable_locked();
  return {};
}

Status Log::truncate_to(std::int64_t offset) {
  std::lock_guard append_lock(append_mutex_);
  if (offset < 0) return {ErrorCode::INVALID_REQUEST, "cannot truncate to a negative offset"};
  if (offset >= log_end_offset()) return {};
  const auto cfg = config();
  std::vector<SegmentPtr> removed;
  SegmentPtr active;
  const bool truncate_fully = offset < segments_.begin()->first;
  {
    std::unique_lock lock(segments_mutex_);
    if (truncate_fully) {
      // Everything goes: start over at the offset.
      for (auto& [base, s] : segments_) removed.push_back(s);
      segments_.clear();
      auto fresh = LogSegment::open(dir_, offset, *cfg, true, clock_.now_ms());
      if (!fresh) return fresh.status();
      segments_.emplace(offset, std::move(fresh).value());
      log_start_offset_ = offset;
    } else {
      for (auto it = segments_.upper_bound(offset); it != segments_.end();) {
        removed.push_back(it->second);
        it = segments_.erase(it);
      }
    }
    active = active_segment_locked();
  }
  for (const SegmentPtr& s : removed) {
    s->close();
    if (Status st = s->delete_files(); !st.ok()) return st;
  }
  auto dropped = active->truncate_to(offset);
  if (!dropped) return dropped.status();
  if (Status s = active->on_becoming_active(cfg->segment_index_bytes); !s.ok()) return s;
  auto next = active->read_next_offset();
  if (!next) return next.status();
  {
    std::unique_lock lock(segments_mutex_);
    publish_log_end_locked(*next, active->base_offset(), active->size());
    if (hw_metadata_.offset > *next) {
      hw_metadata_ = leo_metadata_;
      hw_ = *next;
    }
  }
  if (recovery_point() > *next) recovery_point_ = *next;
  if (log_start_offset() > *next) log_start_offset_ = *next;
  // The producer state as of the new end (Kafka's loadProducerState after
  // truncateTo): the newest snapshot at or below it, then the log after it.
  Status producer_status;
  if (truncate_fully) {
    producer_status = producer_state_->truncate_fully_and_start_at(*next);
  } else {
    producer_status = producer_state_->truncate_and_reload(log_start_offset(), *next, clock_.now_ms());
    if (producer_status.ok()) producer_status = replay_producer_state(*next);
  }
  producer_state_->on_high_watermark_updated(high_watermark());
  {
    std::unique_lock lock(segments_mutex_);
    first_unstable_.reset();  // its position may be gone
  }
  refresh_first_unstable_locked();
  if (!producer_status.ok()) return producer_status;
  return epoch_cache_->truncate_from_end(*next);
}

Status Log::flush(std::int64_t offset) {
  std::lock_guard flush_lock(flush_mutex_);
  if (offset <= recovery_point()) return {};
  for (const SegmentPtr& s : segments()) {
    if (s->base_offset() >= offset) break;
    if (Status st = s->flush(); !st.ok()) return st;
  }
  std::int64_t current = recovery_point();
  while (offset > current && !recovery_point_.compare_exchange_weak(current, offset)) {
  }
  last_flush_ms_ = clock_.now_ms();
  return {};
}

Result<int> Log::delete_prefix(const std::function<bool(const LogSegment&, std::int64_t)>& predicate) {
  std::vector<SegmentPtr> deletable;
  bool includes_active = false;
  {
    std::shared_lock lock(segments_mutex_);
    const std::int64_t hw = hw_metadata_.offset;
    for (auto it = segments_.begin(); it != segments_.end(); ++it) {
      const auto next = std::next(it);
      const std::int64_t upper = next == segments_.end() ? leo_metadata_.offset : next->first;
      const bool last = next == segments_.end();
      // Only data below the high watermark goes; never an empty active segment.
      if (hw < upper || (last && it->second->size() == 0) || !predicate(*it->second, upper)) break;
      deletable.push_back(it->second);
      includes_active = last;
    }
  }
  if (deletable.empty()) return 0;
  if (includes_active) {
    // Keep an active segment: roll a new one at the log end first.
    if (Status s = roll_locked(log_end_offset()); !s.ok()) return s;
  }
  std::int64_t new_start = 0;
  {
    std::unique_lock lock(segments_mutex_);
    for (const SegmentPtr& s : deletable) segments_.erase(s->base_offset());
    new_start = segments_.begin()->first;
  }
  maybe_move_log_start(new_start);
  // Snapshots below the log start can no longer seed a recovery (Kafka
  // deletes those of the deleted segments). Unlinks, under the append lock
  // only.
  producer_state_->on_log_start_offset_incremented(log_start_offset());
  (void)producer_state_->delete_snapshots_before(log_start_offset());
  refresh_first_unstable_locked();
  delete_segments_async(deletable);
  return static_cast<int>(deletable.size());
}

void Log::delete_segments_async(std::vector<SegmentPtr> segments) {
  // Renamed now, deleted after file.delete.delay.ms (readers may still hold them).
  for (const SegmentPtr& s : segments) (void)s->change_suffix("", kDeletedSuffix);
  const auto delay = std::chrono::milliseconds(config()->file_delete_delay_ms);
  scheduler_.schedule_once(delay, [segments = std::move(segments)] {
    for (const SegmentPtr& s : segments) {
      s->close();
      (void)s->delete_files();
    }
  });
}

Result<int> Log::delete_old_segments() {
  std::lock_guard append_lock(append_mutex_);
  const auto cfg = config();
  int deleted = 0;
  // Kafka's order: the log start offset, then retention.bytes, then retention.ms.
  auto by_start =
      delete_prefix([this](const LogSegment&, std::int64_t next_base) { return next_base <= log_start_offset(); });
  if (!by_start) return by_start.status();
  deleted += *by_start;
  if (!cfg->delete_enabled()) return deleted;
  if (cfg->retention_bytes >= 0) {
    std::int64_t excess = static_cast<std::int64_t>(size_in_bytes()) - cfg->retention_bytes;
    auto by_size = delete_prefix([&excess](const LogSegment& s, std::int64_t) {
      if (excess - static_cast<std::int64_t>(s.size()) < 0) return false;
      excess -= static_cast<std::int64_t>(s.size());
      return true;
    });
    if (!by_size) return by_size.status();
    deleted += *by_size;
  }
  if (cfg->retention_ms >= 0) {
    const std::int64_t now = clock_.now_ms();
    auto by_time = delete_prefix([&](const LogSegment& s, std::int64_t) {
      return protocol::saturating_sub(now, s.largest_timestamp()) > cfg->retention_ms;
    });
    if (!by_time) return by_time.status();
    deleted += *by_time;
  }
  return deleted;
}

Status Log::replace_segments(SegmentPtr cleaned, const std::vector<SegmentPtr>& old) {
  std::lock_guard append_lock(append_mutex_);
  if (closed_) return {ErrorCode::KAFKA_STORAGE_ERROR, "log " + tp_.to_string() + " is closed"};
  if (old.empty() || cleaned->base_offset() != old.front()->base_offset()) {
    return {ErrorCode::UNKNOWN_SERVER_ERROR, "cleaned segment does not start where the old ones do"};
  }
  {
    // Checked before any file is renamed: a stale swap must never reach disk.
    std::shared_lock lock(segments_mutex_);
    for (const SegmentPtr& s : old) {
      auto it = segments_.find(s->base_offset());
      if (it == segments_.end() || it->second != s || s == active_segment_locked()) {
        return {ErrorCode::UNKNOWN_SERVER_ERROR, "segments changed while they were cleaned"};
      }
    }
  }
  if (Status s = cleaned->flush(); !s.ok()) return s;
  if (Status s = cleaned->change_suffix(kCleanedSuffix, kSwapSuffix); !s.ok()) return s;
  if (Status s = fsync_directory(dir_); !s.ok()) return s;
  {
    std::unique_lock lock(segments_mutex_);
    for (const SegmentPtr& s : old) segments_.erase(s->base_offset());
    segments_.emplace(cleaned->base_offset(), cleaned);
  }
  delete_segments_async(old);
  if (Status s = cleaned->change_suffix(kSwapSuffix, ""); !s.ok()) return s;
  return fsync_directory(dir_);
}

Status Log::close() {
  std::lock_guard append_lock(append_mutex_);
  if (closed_) return {};
  // Kafka snapshots the producer state on shutdown, so a clean restart reads
  // no log to rebuild it.
  Status result = producer_state_->take_snapshot();
  if (Status s = flush(log_end_offset()); !s.ok() && result.ok()) result = s;
  {
    std::unique_lock lock(segments_mutex_);
    if (!segments_.empty()) {
      if (Status s = active_segment_locked()->on_becoming_inactive(); !s.ok() && result.ok()) result = s;
    }
    for (auto& [base, s] : segments_) s->close();
  }
  closed_ = true;
  return result;
}

Status Log::delete_all() {
  {
    std::lock_guard append_lock(append_mutex_);
    std::unique_lock lock(segments_mutex_);
    for (auto& [base, s] : segments_) s->close();
    segments_.clear();
    closed_ = true;
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
  if (ec) return storage_error("delete", dir_, ec.value());
  return {};
}

}  // namespace sluice::storage
