#include "storage/cleaner/cleaner.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <limits>
#include <system_error>

#include "protocol/int_math.h"
#include "protocol/records/record_batch_builder.h"
#include "storage/checkpoint/atomic_file.h"
#include "storage/cleaner/cleaned_txn_tracker.h"
#include "storage/producer/producer_state_entry.h"

namespace sluice::storage {

using protocol::ErrorCode;
using protocol::RecordBatchHeader;
using protocol::Result;
using protocol::Status;

namespace {

// Output is handed to the cleaned segment in pieces about this large.
constexpr std::size_t kWriteChunk = 1 << 20;

Status corrupt_segment(const LogSegment& segment, std::uint64_t position) {
  return {ErrorCode::CORRUPT_MESSAGE, "unreadable batch at position " + std::to_string(position) + " of " +
                                          segment.log().path().string() + " (size " + std::to_string(segment.size()) +
                                          ")"};
}

// Kafka gives a cleaned segment the last modified time of the last segment
// it replaces, so time-based retention of data without timestamps and the
// legacy delete horizon see the same age.
Status set_last_modified(const std::filesystem::path& path, std::int64_t ms) {
  struct timespec times[2];
  times[0].tv_sec = 0;
  times[0].tv_nsec = UTIME_OMIT;
  times[1].tv_sec = static_cast<time_t>(ms / 1000);
  times[1].tv_nsec = static_cast<long>((ms % 1000) * 1'000'000);
  if (::utimensat(AT_FDCWD, path.c_str(), times, 0) != 0) return storage_error("set the time of", path, errno);
  return {};
}

void remove_cleaned_files(const std::filesystem::path& dir, std::int64_t base) {
  std::error_code ec;
  for (std::string_view ext : {kLogSuffix, kIndexSuffix, kTimeIndexSuffix, kTxnIndexSuffix}) {
    std::filesystem::remove(dir / (offset_file_name(base) + std::string(ext) + std::string(kCleanedSuffix)), ec);
  }
}

}  // namespace

std::vector<std::vector<Log::SegmentPtr>> group_segments_by_size(std::span<const Log::SegmentPtr> segments,
                                                                 std::int64_t max_size, std::int64_t max_index_size,
                                                                 std::int64_t next_base_offset) {
  std::vector<std::vector<Log::SegmentPtr>> groups;
  auto last_offset_of = [&](std::size_t i) {
    return (i + 1 < segments.size() ? segments[i + 1]->base_offset() : next_base_offset) - 1;
  };
  std::size_t i = 0;
  while (i < segments.size()) {
    std::vector<Log::SegmentPtr> group{segments[i]};
    auto log_size = static_cast<std::int64_t>(segments[i]->size());
    std::int64_t index_size = segments[i]->offset_index().size_in_bytes();
    std::int64_t time_index_size = segments[i]->time_index().size_in_bytes();
    for (++i; i < segments.size(); ++i) {
      const Log::SegmentPtr& next = segments[i];
      const auto size = static_cast<std::int64_t>(next->size());
      if (log_size + size > max_size || index_size + next->offset_index().size_in_bytes() > max_index_size ||
          time_index_size + next->time_index().size_in_bytes() > max_index_size) {
        break;
      }
      // An empty segment adds no offsets (Kafka skips the check so a group
      // is not cut every 2^31 offsets by one).
      if (size != 0 && last_offset_of(i) - group.front()->base_offset() > std::numeric_limits<std::int32_t>::max()) {
        break;
      }
      group.push_back(next);
      log_size += size;
      index_size += next->offset_index().size_in_bytes();
      time_index_size += next->time_index().size_in_bytes();
    }
    groups.push_back(std::move(group));
  }
  return groups;
}

Cleaner::Cleaner(CleanerOptions options, const Clock& clock)
    : options_(options), clock_(clock), map_(options.dedupe_buffer_bytes, options.dedupe_buffer_load_factor) {}

Result<std::optional<CleanResult>> Cleaner::clean(Log& log, std::int64_t first_dirty_offset,
                                                  std::int64_t first_uncleanable_offset, const AbortCheck& aborted) {
  const auto config = log.config();
  Round round;
  round.config = config.get();
  round.now_ms = clock_.now_ms();
  const std::vector<Log::SegmentPtr> segments = log.segments();
  CleanResult result;
  result.first_dirty_offset = first_dirty_offset;
  result.end_offset = first_dirty_offset;
  if (segments.empty()) return std::optional<CleanResult>(result);
  // The active segment is never cleaned.
  const std::int64_t first_uncleanable = std::min(first_uncleanable_offset, segments.back()->base_offset());

  map_.clear();
  // Aborted transactions' records never shadow anything (Kafka's
  // buildOffsetMap skips them); committed ones do.
  const std::vector<AbortedTxn> dirty_aborted =
      first_dirty_offset < first_uncleanable ? log.collect_aborted_transactions(first_dirty_offset, first_uncleanable)
                                             : std::vector<AbortedTxn>{};
  auto mapped = build_offset_map(segments, first_dirty_offset, first_uncleanable, dirty_aborted, aborted, round.stats);
  if (!mapped) return mapped.status();
  if (*mapped == MapOutcome::kAborted) return std::optional<CleanResult>();
  if (*mapped == MapOutcome::kFull && map_.size() == 0) {
    return Status{ErrorCode::UNKNOWN_SERVER_ERROR,
                  "the cleaner's offset map of " + std::to_string(map_.memory_bytes()) +
                      " bytes cannot hold one key of " + log.topic_partition().to_string()};
  }
  // The round covers what the map covers: with a full map, the rest of the
  // dirty section waits for the next round.
  result.end_offset = std::max(first_dirty_offset, map_.latest_offset() + 1);
  round.end_offset = result.end_offset;
  const std::int64_t clean_limit = std::min(result.end_offset, first_uncleanable);

  std::size_t count = 0;
  while (count < segments.size() && segments[count]->base_offset() < clean_limit) ++count;
  const std::span<const Log::SegmentPtr> to_clean(segments.data(), count);
  // Kafka keeps the batch holding each active producer's last sequence (or
  // its last marker), so idempotence and fencing survive compaction until
  // the producer expires.
  for (const ActiveProducer& p : log.active_producers()) {
    round.producer_last.emplace(p.producer_id, ProducerLast{p.last_data_offset, p.producer_epoch});
  }

  const std::int64_t next_base = segments[count]->base_offset();  // count < size: the active one is excluded
  for (const auto& group :
       group_segments_by_size(to_clean, config->segment_bytes, config->segment_index_bytes, next_base)) {
    auto done = clean_group(log, group, round, aborted);
    if (!done) return done.status();
    if (*done == GroupOutcome::kAborted) return std::optional<CleanResult>();
  }
  round.stats.buffer_utilization = map_.utilization();
  result.next_delete_horizon_ms = round.next_delete_horizon_ms;
  result.stats = round.stats;
  return std::optional<CleanResult>(result);
}

Result<Cleaner::MapOutcome> Cleaner::build_offset_map(std::span<const Log::SegmentPtr> segments,
                                                      std::int64_t first_dirty, std::int64_t first_uncleanable,
                                                      const std::vector<AbortedTxn>& aborted_txns,
                                                      const AbortCheck& aborted, CleanerStats& stats) {
  CleanedTxnTracker txns;
  txns.add_aborted(aborted_txns);
  for (std::size_t k = 0; k < segments.size(); ++k) {
    const Log::SegmentPtr& segment = segments[k];
    if (segment->base_offset() >= first_uncleanable) break;
    const std::int64_t next_base =
        k + 1 < segments.size() ? segments[k + 1]->base_offset() : std::numeric_limits<std::int64_t>::max();
    if (next_base <= first_dirty) continue;  // wholly in the clean section
    if (aborted && aborted()) return MapOutcome::kAborted;

    const std::uint64_t start = segment->base_offset() < first_dirty
                                    ? static_cast<std::uint64_t>(segment->offset_index().lookup(first_dirty).position)
                                    : 0;
    bool full = false;
    Status error;
    auto end = segment->log().for_each_entry(start, [&](std::span<const std::uint8_t> entry, std::uint64_t) {
      auto batch = protocol::RecordBatchView::parse(entry);
      if (!batch) {
        error = batch.status();
        return false;
      }
      const RecordBatchHeader& h = batch->header();
      stats.map_bytes_read += entry.size();
      bool skip = false;
      if (h.is_control()) {
        auto discardable = txns.on_control_batch_read(*batch, options_.max_decompressed_bytes);
        if (!discardable) {
          error = discardable.status();
          return false;
        }
        skip = true;
      } else {
        skip = txns.on_batch_read(h);  // an aborted transaction's records
      }
      if (!skip && h.last_offset() >= first_dirty) {
        if (Status s = batch->records(records_, scratch_, options_.max_decompressed_bytes); !s.ok()) {
          error = s;
          return false;
        }
        for (const protocol::Record& r : records_) {
          const std::int64_t offset = protocol::record_offset(h, r);
          ++stats.map_records_read;
          if (offset < first_dirty || !r.key) continue;
          if (!map_.put(*r.key, offset)) {
            full = true;
            return false;
          }
        }
      }
      if (h.last_offset() >= first_dirty) map_.update_latest_offset(h.last_offset());
      return true;
    });
    if (!end) return end.status();
    if (!error.ok()) return error;
    if (full) return MapOutcome::kFull;
    if (*end != segment->size()) return corrupt_segment(*segment, *end);
  }
  return MapOutcome::kComplete;
}

Result<Cleaner::GroupOutcome> Cleaner::clean_group(Log& log, const std::vector<Log::SegmentPtr>& group, Round& round,
                                                   const AbortCheck& aborted) {
  const std::int64_t base = group.front()->base_offset();
  remove_cleaned_files(log.dir(), base);
  auto opened = LogSegment::open(log.dir(), base, *round.config, true, round.now_ms, kCleanedSuffix);
  if (!opened) return opened.status();
  Log::SegmentPtr cleaned = std::move(opened).value();
  auto discard = [&] {
    cleaned->close();
    (void)cleaned->delete_files();
  };

  std::vector<std::uint8_t> out;
  auto write_out = [&]() -> Status {
    if (out.empty()) return {};
    // Batches are whole and ordered; the segment indexes them as it appends.
    std::int64_t last_offset = base;
    protocol::EntryIterator it(out);
    while (auto e = it.next()) {
      if (auto h = protocol::parse_batch_header(*e)) last_offset = h->last_offset();
    }
    Status s = cleaned->append(last_offset, protocol::kNoTimestamp, -1, out);
    round.stats.bytes_written += out.size();
    out.clear();
    return s;
  };

  // Kafka's cleanSegments: the aborted transactions overlapping each old
  // segment, read in offset order; the kept ones are indexed anew.
  CleanedTxnTracker txns(&cleaned->txn_index());
  for (std::size_t k = 0; k < group.size(); ++k) {
    const Log::SegmentPtr& segment = group[k];
    if (aborted && aborted()) {
      discard();
      return GroupOutcome::kAborted;
    }
    std::int64_t upper = 0;
    if (k + 1 < group.size()) {
      upper = group[k + 1]->base_offset();
    } else {
      auto next = segment->read_next_offset();
      if (!next) {
        discard();
        return next.status();
      }
      upper = *next;
    }
    if (upper > segment->base_offset())
      txns.add_aborted(log.collect_aborted_transactions(segment->base_offset(), upper));
    Status error;
    auto end = segment->log().for_each_entry(0, [&](std::span<const std::uint8_t> entry, std::uint64_t) {
      error = filter_batch(entry, round, txns, out);
      if (error.ok() && out.size() >= kWriteChunk) error = write_out();
      return error.ok();
    });
    if (!end || !error.ok() || *end != segment->size()) {
      discard();
      if (!end) return end.status();
      if (!error.ok()) return error;
      return corrupt_segment(*segment, *end);
    }
    if (Status s = write_out(); !s.ok()) {
      discard();
      return s;
    }
    ++round.stats.segments_read;
  }

  // Flushed here, not under the log's append lock inside replace_segments.
  Status s = cleaned->on_becoming_inactive();
  if (s.ok()) s = cleaned->flush();
  if (s.ok()) s = set_last_modified(cleaned->log().path(), group.back()->last_modified_ms());
  if (s.ok()) s = log.replace_segments(cleaned, group);
  if (!s.ok()) {
    // Keep the files only if the swap got as far as putting them in the log.
    const auto now_in_log = log.segments();
    if (std::find(now_in_log.begin(), now_in_log.end(), cleaned) == now_in_log.end()) discard();
    return s;
  }
  ++round.stats.segments_written;
  return GroupOutcome::kDone;
}

bool Cleaner::should_retain(const RecordBatchHeader& h, const protocol::Record& r, std::int64_t offset,
                            const Round& round) const {
  if (offset >= round.end_offset) return true;
  if (!r.key) return false;
  if (offset < map_.get(*r.key)) return false;
  if (r.value) return true;
  // KIP-534: a tombstone lives until its batch's delete horizon.
  return !h.has_delete_horizon() || round.now_ms < h.base_timestamp;
}

bool Cleaner::is_producer_last(const RecordBatchHeader& h, const Round& round) {
  if (!h.has_producer_id()) return false;
  const auto it = round.producer_last.find(h.producer_id);
  if (it == round.producer_last.end()) return false;
  // The batch holding its last sequence; or, when its last entry is a
  // marker (an epoch bump by the coordinator), a marker of that epoch.
  if (it->second.last_data_offset >= 0) return h.last_offset() == it->second.last_data_offset;
  return h.is_control() && h.producer_epoch == it->second.producer_epoch;
}

Status Cleaner::filter_batch(std::span<const std::uint8_t> entry, Round& round, CleanedTxnTracker& txns,
                             std::vector<std::uint8_t>& out) {
  auto batch = protocol::RecordBatchView::parse(entry);
  if (!batch) return batch.status();
  const RecordBatchHeader& h = batch->header();
  round.stats.bytes_read += entry.size();
  round.stats.records_read += h.records_count;

  // Kafka's logCleanerFilter: an aborted transaction's records go; a marker
  // goes once none of its transaction's records are left and its delete
  // horizon (stamped when that was first seen) has passed.
  bool can_discard = false;
  if (h.is_control()) {
    auto discardable = txns.on_control_batch_read(*batch, options_.max_decompressed_bytes);
    if (!discardable) return discardable.status();
    can_discard = *discardable;
  } else {
    can_discard = txns.on_batch_read(h);
  }
  const bool discard_records =
      h.is_control() ? can_discard && h.has_delete_horizon() && h.base_timestamp <= round.now_ms : can_discard;
  const bool marker_of_empty_txn = can_discard && h.is_control();
  const bool producer_last = is_producer_last(h, round);
  if (discard_records && !producer_last) return {};

  if (Status s = batch->records(records_, scratch_, options_.max_decompressed_bytes); !s.ok()) return s;
  std::vector<std::size_t> kept;
  kept.reserve(records_.size());
  bool kept_tombstone = false;
  for (std::size_t i = 0; i < records_.size() && !discard_records; ++i) {
    const protocol::Record& r = records_[i];
    const std::int64_t offset = protocol::record_offset(h, r);
    if (h.is_control() || should_retain(h, r, offset, round)) {
      kept.push_back(i);
      kept_tombstone |= !h.is_control() && !r.value.has_value();
    } else if (!r.value) {
      ++round.stats.tombstones_removed;
    }
  }
  round.stats.records_written += static_cast<std::int64_t>(kept.size());

  // KIP-534: the first round to keep a tombstone, or a marker whose
  // transaction is gone, stamps its batch.
  const bool needs_horizon = kept_tombstone || (marker_of_empty_txn && !kept.empty());
  std::optional<std::int64_t> horizon;
  if (h.has_delete_horizon()) {
    horizon = h.base_timestamp;
  } else if (needs_horizon) {
    horizon = protocol::saturating_add(round.now_ms, round.config->delete_retention_ms);
  }
  if (needs_horizon) {
    round.next_delete_horizon_ms = std::min(round.next_delete_horizon_ms.value_or(*horizon), *horizon);
  }

  if (kept.size() == records_.size() && (!needs_horizon || h.has_delete_horizon())) {
    out.insert(out.end(), entry.begin(), entry.end());
    return {};
  }
  if (kept.empty() && !producer_last) return {};

  protocol::BatchOptions options;
  const auto codec = h.compression();
  if (!codec) return {ErrorCode::UNSUPPORTED_COMPRESSION_TYPE, "batch at offset " + std::to_string(h.base_offset)};
  // An emptied batch is written uncompressed, as Kafka's empty batch header is.
  options.compression = kept.empty() ? protocol::CompressionType::kNone : *codec;
  if (round.config->target_compression() == options.compression) {
    options.compression_level = round.config->target_compression_level();
  }
  options.timestamp_type = h.timestamp_type();
  options.base_offset = h.base_offset;
  options.partition_leader_epoch = h.partition_leader_epoch;
  options.producer_id = h.producer_id;
  options.producer_epoch = h.producer_epoch;
  options.base_sequence = h.base_sequence;
  options.transactional = h.is_transactional();
  options.control = h.is_control();
  if (!kept.empty() && h.base_sequence >= 0 && !h.is_control()) {
    // The batch now starts at its first surviving record: move the base
    // sequence with it so every record keeps its sequence number.
    options.base_sequence = increment_sequence(h.base_sequence, records_[kept.front()].offset_delta);
  }
  if (!kept.empty()) options.delete_horizon_ms = horizon;
  if (h.timestamp_type() == protocol::TimestampType::kLogAppendTime) options.log_append_time = h.max_timestamp;

  protocol::RecordBatchBuilder builder(options);
  for (std::size_t i : kept) {
    const protocol::Record& r = records_[i];
    builder.append_at(protocol::record_offset(h, r), protocol::record_timestamp(h, r), r.key, r.value, r.headers);
  }
  builder.set_last_offset(h.last_offset());
  auto built = builder.build();
  if (!built) return built.status();
  out.insert(out.end(), built->begin(), built->end());
  return {};
}

}  // namespace sluice::storage
