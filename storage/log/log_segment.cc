#include "storage/log/log_segment.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <random>

#include "protocol/int_math.h"
#include "protocol/records/record_batch.h"
#include "storage/checkpoint/atomic_file.h"

namespace sluice::storage {

using protocol::ErrorCode;
using protocol::RecordBatchHeader;
using protocol::Result;
using protocol::Status;

std::string offset_file_name(std::int64_t offset) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%020lld", static_cast<long long>(offset));
  return buf;
}

namespace {

std::filesystem::path file_path(const std::filesystem::path& dir, std::int64_t base, std::string_view ext,
                                std::string_view suffix) {
  return dir / (offset_file_name(base) + std::string(ext) + std::string(suffix));
}

// Kafka's randomSegmentJitter: uniform in [0, min(jitter, segment.ms)).
std::int64_t random_jitter(const LogConfig& config) {
  const std::int64_t bound = std::min(config.segment_jitter_ms, config.max_segment_ms());
  if (bound <= 0) return 0;
  std::mt19937_64 rng(std::random_device{}());
  return static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(bound));
}

std::string with_new_suffix(const std::filesystem::path& p, std::string_view old_suffix, std::string_view new_suffix) {
  std::string s = p.string();
  if (!old_suffix.empty() && s.ends_with(old_suffix)) s.resize(s.size() - old_suffix.size());
  return s + std::string(new_suffix);
}

}  // namespace

Result<std::unique_ptr<LogSegment>> LogSegment::open(const std::filesystem::path& dir, std::int64_t base_offset,
                                                     const LogConfig& config, bool create, std::int64_t now_ms,
                                                     std::string_view suffix) {
  auto log = FileRecords::open(file_path(dir, base_offset, kLogSuffix, suffix), create);
  if (!log) return log.status();
  const auto max_index = static_cast<std::int32_t>(config.segment_index_bytes);
  auto index = OffsetIndex::open(file_path(dir, base_offset, kIndexSuffix, suffix), base_offset, max_index);
  if (!index) return index.status();
  auto time_index = TimeIndex::open(file_path(dir, base_offset, kTimeIndexSuffix, suffix), base_offset, max_index);
  if (!time_index) return time_index.status();
  auto txn_index = TransactionIndex::open(file_path(dir, base_offset, kTxnIndexSuffix, suffix), base_offset);
  if (!txn_index) return txn_index.status();
  auto segment = std::make_unique<LogSegment>(Private{}, base_offset, std::move(log).value(), std::move(index).value(),
                                              std::move(time_index).value(), std::move(txn_index).value(),
                                              config.index_interval_bytes, random_jitter(config), now_ms);
  // The newest timestamp: the last time index entry, then the batches after it.
  const TimestampOffset last = segment->time_index_->last_entry();
  segment->max_timestamp_so_far_ = last.timestamp;
  segment->offset_of_max_timestamp_ = last.timestamp == kNoTimestamp ? -1 : last.offset;
  std::uint64_t position = static_cast<std::uint64_t>(segment->index_->lookup(last.offset).position);
  while (true) {
    auto h = segment->log_->batch_header_at(position);
    if (!h || !h->has_value()) break;
    if (position == 0) segment->rolling_based_timestamp_ = (*h)->max_timestamp;
    segment->observe_max_timestamp((*h)->max_timestamp, (*h)->last_offset());
    position += (*h)->size_in_bytes();
  }
  if (segment->size() > 0 && segment->rolling_based_timestamp_ == protocol::kNoTimestamp) {
    if (auto h = segment->log_->batch_header_at(0); h && h->has_value()) {
      segment->rolling_based_timestamp_ = (*h)->max_timestamp;
    }
  }
  return segment;
}

LogSegment::LogSegment(Private, std::int64_t base_offset, std::unique_ptr<FileRecords> log,
                       std::unique_ptr<OffsetIndex> index, std::unique_ptr<TimeIndex> time_index,
                       std::unique_ptr<TransactionIndex> txn_index, std::int64_t index_interval_bytes,
                       std::int64_t roll_jitter_ms, std::int64_t created_ms)
    : base_offset_(base_offset),
      log_(std::move(log)),
      index_(std::move(index)),
      time_index_(std::move(time_index)),
      txn_index_(std::move(txn_index)),
      index_interval_bytes_(index_interval_bytes),
      roll_jitter_ms_(roll_jitter_ms),
      created_ms_(created_ms) {}

void LogSegment::observe_max_timestamp(std::int64_t timestamp, std::int64_t offset) {
  if (timestamp > max_timestamp_so_far_.load(std::memory_order_relaxed)) {
    offset_of_max_timestamp_.store(offset, std::memory_order_release);
    max_timestamp_so_far_.store(timestamp, std::memory_order_release);
  }
}

Status LogSegment::append(std::int64_t largest_offset, std::int64_t /*largest_timestamp*/,
                          std::int64_t /*offset_of_max_timestamp*/, std::span<const std::uint8_t> records) {
  if (records.empty()) return {};
  if (!index_->can_append_offset(largest_offset)) {
    return {ErrorCode::KAFKA_STORAGE_ERROR,
            "offset " + std::to_string(largest_offset) + " does not fit segment " + std::to_string(base_offset_)};
  }
  const bool was_empty = size() == 0;
  Result<std::uint64_t> start = log_->append(records);
  if (!start) return start.status();
  std::uint64_t position = *start;
  protocol::EntryIterator it(records);
  while (auto entry = it.next()) {
    auto h = protocol::parse_batch_header(*entry);
    if (!h) break;
    if (was_empty && position == *start) rolling_based_timestamp_ = h->max_timestamp;
    observe_max_timestamp(h->max_timestamp, h->last_offset());
    if (bytes_since_last_index_entry_ > static_cast<std::uint64_t>(index_interval_bytes_)) {
      // Index failures only cost lookups a longer scan; the data is written.
      (void)index_->append(h->last_offset(), static_cast<std::int32_t>(position));
      (void)time_index_->maybe_append(max_timestamp_so_far(), offset_of_max_timestamp_so_far());
      bytes_since_last_index_entry_ = 0;
    }
    position += entry->size();
    bytes_since_last_index_entry_ += entry->size();
  }
  return {};
}

Result<std::optional<BatchPosition>> LogSegment::translate_offset(std::int64_t offset,
                                                                  std::uint64_t start_position) const {
  const OffsetPosition mapping = index_->lookup(offset);
  return log_->search_for_offset(offset,
                                 std::max<std::uint64_t>(static_cast<std::uint64_t>(mapping.position), start_position));
}

Result<std::optional<SegmentRead>> LogSegment::read(std::int64_t offset, std::uint64_t max_size,
                                                    std::uint64_t max_position, bool min_one_message) const {
  auto start = translate_offset(offset);
  if (!start) return start.status();
  if (!start->has_value()) return std::optional<SegmentRead>();
  const BatchPosition& at = **start;
  const std::uint64_t batch_size = at.header.size_in_bytes();
  const std::uint64_t wanted = min_one_message ? std::max(max_size, batch_size) : max_size;
  const std::uint64_t limit = max_position > at.position ? max_position - at.position : 0;
  SegmentRead r;
  r.slice = log_->slice(at.position, std::min(limit, wanted));
  r.first_batch_offset = at.header.base_offset;
  r.first_position = at.position;
  return std::optional<SegmentRead>(r);
}

Result<std::optional<TimestampAndOffset>> LogSegment::find_offset_by_timestamp(std::int64_t timestamp,
                                                                               std::int64_t starting_offset,
                                                                               std::size_t max_decompressed) const {
  const TimestampOffset indexed = time_index_->lookup(timestamp);
  const auto position = static_cast<std::uint64_t>(index_->lookup(std::max(indexed.offset, starting_offset)).position);
  std::optional<TimestampAndOffset> found;
  Status error;
  std::vector<protocol::Record> records;
  std::vector<std::uint8_t> scratch;
  auto scan = log_->for_each_entry(position, [&](std::span<const std::uint8_t> entry, std::uint64_t) {
    auto batch = protocol::RecordBatchView::parse(entry);
    if (!batch) {
      error = batch.status();
      return false;
    }
    const RecordBatchHeader& h = batch->header();
    if (h.max_timestamp < timestamp || h.last_offset() < starting_offset) return true;
    if (Status s = batch->records(records, scratch, max_decompressed); !s.ok()) {
      error = s;
      return false;
    }
    const bool append_time = h.timestamp_type() == protocol::TimestampType::kLogAppendTime;
    for (const protocol::Record& r : records) {
      const std::int64_t ts = append_time ? h.max_timestamp : protocol::record_timestamp(h, r);
      const std::int64_t offset = protocol::record_offset(h, r);
      if (ts >= timestamp && offset >= starting_offset) {
        found = TimestampAndOffset{ts, offset, std::nullopt};
        if (h.partition_leader_epoch >= 0) found->leader_epoch = h.partition_leader_epoch;
        return false;
      }
    }
    return true;
  });
  if (!scan) return scan.status();
  if (!error.ok()) return error;
  return found;
}

Result<std::int64_t> LogSegment::read_next_offset() const {
  std::uint64_t position = static_cast<std::uint64_t>(index_->lookup(index_->last_offset()).position);
  std::int64_t next = base_offset_;
  while (true) {
    auto h = log_->batch_header_at(position);
    if (!h) return h.status();
    if (!h->has_value()) return next;
    next = (*h)->next_offset();
    position += (*h)->size_in_bytes();
  }
}

Result<std::uint64_t> LogSegment::recover(const std::function<Status(const protocol::RecordBatchView&)>& on_batch) {
  // Kafka's reset(): empty and back to full size, so a damaged (odd-length,
  // truncated) file gets room for every entry again.
  if (Status s = index_->reset(); !s.ok()) return s;
  if (Status s = time_index_->reset(); !s.ok()) return s;
  max_timestamp_so_far_ = protocol::kNoTimestamp;
  offset_of_max_timestamp_ = -1;
  rolling_based_timestamp_ = protocol::kNoTimestamp;
  std::uint64_t last_index_position = 0;
  Status callback_error;
  auto valid_end = log_->for_each_entry(0, [&](std::span<const std::uint8_t> entry, std::uint64_t position) {
    auto batch = protocol::RecordBatchView::parse(entry);
    if (!batch || !batch->crc_ok()) return false;
    const RecordBatchHeader& h = batch->header();
    if (h.base_offset < base_offset_ || !index_->can_append_offset(h.last_offset())) return false;
    if (position == 0) rolling_based_timestamp_ = h.max_timestamp;
    observe_max_timestamp(h.max_timestamp, h.last_offset());
    if (position - last_index_position > static_cast<std::uint64_t>(index_interval_bytes_)) {
      (void)index_->append(h.last_offset(), static_cast<std::int32_t>(position));
      (void)time_index_->maybe_append(max_timestamp_so_far(), offset_of_max_timestamp_so_far());
      last_index_position = position;
    }
    callback_error = on_batch(*batch);
    return callback_error.ok();
  });
  if (!valid_end) return valid_end.status();
  if (!callback_error.ok()) return callback_error;
  const std::uint64_t dropped = size() - *valid_end;
  if (Status s = log_->truncate_to(*valid_end); !s.ok()) return s;
  bytes_since_last_index_entry_ = *valid_end - last_index_position;
  if (Status s = index_->trim_to_valid_size(); !s.ok()) return s;
  (void)time_index_->maybe_append(max_timestamp_so_far(), offset_of_max_timestamp_so_far(), true);
  if (Status s = time_index_->trim_to_valid_size(); !s.ok()) return s;
  return dropped;
}

Result<std::uint64_t> LogSegment::truncate_to(std::int64_t offset) {
  if (Status s = txn_index_->truncate_to(offset); !s.ok()) return s;
  auto mapping = translate_offset(offset);
  if (!mapping) return mapping.status();
  if (!mapping->has_value()) return std::uint64_t{0};
  index_->truncate_to(offset);
  time_index_->truncate_to(offset);
  const std::uint64_t before = size();
  if (Status s = log_->truncate_to((*mapping)->position); !s.ok()) return s;
  bytes_since_last_index_entry_ = 0;
  // The newest timestamp is now the last time index entry's, then the
  // batches after it.
  const TimestampOffset last = time_index_->last_entry();
  max_timestamp_so_far_ = last.timestamp;
  offset_of_max_timestamp_ = last.timestamp == kNoTimestamp ? -1 : last.offset;
  std::uint64_t position = static_cast<std::uint64_t>(index_->lookup(last.offset).position);
  while (true) {
    auto h = log_->batch_header_at(position);
    if (!h || !h->has_value()) break;
    observe_max_timestamp((*h)->max_timestamp, (*h)->last_offset());
    position += (*h)->size_in_bytes();
  }
  if (size() == 0) rolling_based_timestamp_ = protocol::kNoTimestamp;
  return before - size();
}

std::int64_t LogSegment::time_waited_for_roll(std::int64_t now_ms, std::int64_t message_timestamp) const {
  const std::int64_t first = rolling_based_timestamp_.load(std::memory_order_acquire);
  if (first >= 0) return protocol::saturating_sub(message_timestamp, first);
  return now_ms - created_ms_;
}

bool LogSegment::should_roll(const LogConfig& config, std::uint64_t records_size, std::int64_t max_timestamp_in_records,
                             std::int64_t max_offset_in_records, std::int64_t now_ms) const {
  const bool reached_roll_ms =
      time_waited_for_roll(now_ms, max_timestamp_in_records) > config.max_segment_ms() - roll_jitter_ms_;
  const auto segment_bytes = static_cast<std::int64_t>(config.segment_bytes);
  return static_cast<std::int64_t>(size()) > segment_bytes - static_cast<std::int64_t>(records_size) ||
         (size() > 0 && reached_roll_ms) || index_->is_full() || time_index_->is_full() ||
         !index_->can_append_offset(max_offset_in_records);
}

std::int64_t LogSegment::largest_timestamp() const {
  const std::int64_t ts = max_timestamp_so_far();
  return ts >= 0 ? ts : last_modified_ms();
}

std::int64_t LogSegment::last_modified_ms() const {
  struct stat st {};
  if (::stat(log_->path().c_str(), &st) != 0) return 0;
  return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1'000'000;
}

Status LogSegment::on_becoming_inactive() {
  (void)time_index_->maybe_append(max_timestamp_so_far(), offset_of_max_timestamp_so_far(), true);
  if (Status s = index_->trim_to_valid_size(); !s.ok()) return s;
  return time_index_->trim_to_valid_size();
}

Status LogSegment::on_becoming_active(std::int64_t max_index_size) {
  if (auto r = index_->resize(static_cast<std::int32_t>(max_index_size)); !r) return r.status();
  if (auto r = time_index_->resize(static_cast<std::int32_t>(max_index_size)); !r) return r.status();
  return {};
}

Status LogSegment::flush() const {
  if (Status s = log_->flush(); !s.ok()) return s;
  if (Status s = index_->flush(); !s.ok()) return s;
  if (Status s = time_index_->flush(); !s.ok()) return s;
  return txn_index_->flush();
}

Status LogSegment::change_suffix(std::string_view old_suffix, std::string_view new_suffix) {
  if (Status s = log_->rename_to(with_new_suffix(log_->path(), old_suffix, new_suffix)); !s.ok()) return s;
  if (Status s = index_->rename_to(with_new_suffix(index_->path(), old_suffix, new_suffix)); !s.ok()) return s;
  if (Status s = time_index_->rename_to(with_new_suffix(time_index_->path(), old_suffix, new_suffix)); !s.ok()) {
    return s;
  }
  return txn_index_->rename_to(with_new_suffix(txn_index_->path(), old_suffix, new_suffix));
}

Status LogSegment::delete_files() {
  if (Status s = log_->remove(); !s.ok()) return s;
  if (auto r = index_->delete_if_exists(); !r) return r.status();
  if (auto r = time_index_->delete_if_exists(); !r) return r.status();
  if (auto r = txn_index_->delete_if_exists(); !r) return r.status();
  return {};
}

void LogSegment::close() {
  index_->close_handler();
  time_index_->close_handler();
  txn_index_->close();
}

}  // namespace sluice::storage
