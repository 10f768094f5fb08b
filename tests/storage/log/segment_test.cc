// Segment-level behaviour Kafka users rely on: when a segment rolls, how an
// offset or a timestamp maps to a file position at every boundary, and that
// indexes lost or damaged on disk are rebuilt to exactly what appends wrote.
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "storage/log/log.h"
#include "storage/log/log_segment.h"
#include "tests/storage/storage_test_util.h"

namespace sluice::storage {
namespace {

using testing::make_batch;
using testing::TempDir;
using testing::TestRecord;

constexpr std::size_t kMaxDecompressed = 64 << 20;

std::vector<std::uint8_t> file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_file(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

// Records with fixed-width keys and values so every batch built from the
// same count has the same size.
std::vector<TestRecord> uniform_records(int count, std::int64_t timestamp, std::int64_t timestamp_step = 0) {
  std::vector<TestRecord> records;
  for (int i = 0; i < count; ++i) {
    records.push_back({"key-" + std::to_string(i % 10), std::string(40, 'v'), timestamp + i * timestamp_step});
  }
  return records;
}

// Where one batch went in a segment.
struct Placed {
  std::int64_t first = 0;
  std::int64_t last = 0;
  std::uint64_t position = 0;
  std::uint64_t size = 0;
};

class SegmentFixture : public ::testing::Test {
 protected:
  std::filesystem::path log_dir() const { return dir_.path() / "topic-0"; }

  std::shared_ptr<Log> open_log(const LogConfig& config, LogOpenOptions options = {}) {
    auto log = Log::open(log_dir(), TopicPartition{"topic", 0}, std::make_shared<LogConfig>(config), options, clock_,
                         scheduler_);
    EXPECT_TRUE(log.ok()) << log.status().detail;
    return log.ok() ? *log : nullptr;
  }

  LogAppendInfo append(Log& log, std::vector<std::uint8_t> batch) {
    std::vector<RecordError> errors;
    auto info = log.append_as_leader(batch, 0, AppendOrigin::kClient, errors);
    EXPECT_TRUE(info.ok()) << info.status().detail;
    log.update_high_watermark(log.log_end_offset());
    return info.ok() ? *info : LogAppendInfo{};
  }

  std::unique_ptr<LogSegment> open_segment(std::int64_t base, const LogConfig& config, bool create) {
    std::filesystem::create_directories(log_dir());
    auto segment = LogSegment::open(log_dir(), base, config, create, clock_.now_ms());
    EXPECT_TRUE(segment.ok()) << segment.status().detail;
    return segment.ok() ? std::move(segment).value() : nullptr;
  }

  // Appends a batch whose offsets start at `first`, as the Log does once the
  // validator has assigned them.
  Placed append_to(LogSegment& segment, std::int64_t first, const std::vector<TestRecord>& records,
                   protocol::BatchOptions options = {}) {
    options.base_offset = first;
    const std::vector<std::uint8_t> bytes = make_batch(records, options);
    auto h = protocol::parse_batch_header(bytes);
    EXPECT_TRUE(h.ok());
    const Placed placed{first, h->last_offset(), segment.size(), bytes.size()};
    EXPECT_TRUE(segment.append(h->last_offset(), h->max_timestamp, h->last_offset(), bytes).ok());
    return placed;
  }

  std::filesystem::path segment_file(std::int64_t base, std::string_view suffix) const {
    return log_dir() / (offset_file_name(base) + std::string(suffix));
  }

  TempDir dir_;
  ManualClock clock_;
  Scheduler scheduler_{1};
};

// --- Rolling -----------------------------------------------------------------

class SegmentRollTest : public SegmentFixture {};

TEST_F(SegmentRollTest, RollsWhenTheNextBatchWouldPassSegmentBytes) {
  const std::vector<std::uint8_t> batch = make_batch(uniform_records(3, clock_.now_ms()));
  const std::int64_t batch_size = static_cast<std::int64_t>(batch.size());
  for (const std::int64_t per_segment : {1, 2, 3}) {
    SCOPED_TRACE(per_segment);
    LogConfig config;
    // Exactly `per_segment` batches fit: Kafka rolls when size > segment.bytes - batch.
    config.segment_bytes = per_segment * batch_size + batch_size - 1;
    auto log = open_log(config);
    for (int i = 0; i < 10; ++i) append(*log, batch);
    const auto segments = log->segments();
    ASSERT_EQ(segments.size(), static_cast<std::size_t>((10 + per_segment - 1) / per_segment));
    for (std::size_t i = 0; i < segments.size(); ++i) {
      EXPECT_EQ(segments[i]->base_offset(), static_cast<std::int64_t>(i) * per_segment * 3);
      if (i + 1 < segments.size()) {
        EXPECT_EQ(segments[i]->size(), static_cast<std::uint64_t>(per_segment * batch_size));
      }
      EXPECT_LE(segments[i]->size(), static_cast<std::uint64_t>(config.segment_bytes));
    }
    ASSERT_TRUE(log->delete_all().ok());
  }
}

TEST_F(SegmentRollTest, ASegmentMayBeExactlySegmentBytes) {
  const std::vector<std::uint8_t> batch = make_batch(uniform_records(3, clock_.now_ms()));
  LogConfig config;
  config.segment_bytes = 4 * static_cast<std::int64_t>(batch.size());
  auto log = open_log(config);
  for (int i = 0; i < 5; ++i) append(*log, batch);
  const auto segments = log->segments();
  ASSERT_EQ(segments.size(), 2u);
  EXPECT_EQ(segments[0]->size(), static_cast<std::uint64_t>(config.segment_bytes));
  EXPECT_EQ(segments[1]->base_offset(), 12);
}

TEST_F(SegmentRollTest, RollsBySegmentMsWithinTheJitterBound) {
  // segment.ms=60s with segment.jitter.ms=20s: each segment rolls once its
  // batches span more than 60s minus its own jitter, drawn from [0, 20s).
  LogConfig config;
  config.segment_ms = 60'000;
  config.segment_jitter_ms = 20'000;
  auto log = open_log(config);
  const std::int64_t t0 = clock_.now_ms();
  std::int64_t segment_first_ts = t0;
  std::size_t segments = 1;
  std::vector<std::int64_t> waits;
  for (std::int64_t step = 0; waits.size() < 30; ++step) {
    ASSERT_LT(step, 100'000);
    const std::int64_t ts = t0 + step * 1000;
    clock_.set(ts);
    append(*log, make_batch(uniform_records(1, ts)));
    if (log->segment_count() != segments) {
      segments = log->segment_count();
      waits.push_back(ts - segment_first_ts);
      segment_first_ts = ts;
    }
  }
  std::set<std::int64_t> distinct;
  for (const std::int64_t wait : waits) {
    EXPECT_GE(wait, 41'000);  // never at or before segment.ms - jitter bound
    EXPECT_LE(wait, 61'000);  // always once past segment.ms
    distinct.insert(wait);
  }
  EXPECT_GT(distinct.size(), 1u) << "every segment rolled at the same age: no jitter";
}

TEST_F(SegmentRollTest, JitterIsBoundedBySegmentMs) {
  // Kafka draws the jitter from [0, min(segment.jitter.ms, segment.ms)), so a
  // jitter far above segment.ms never rolls a segment whose batches share a
  // timestamp.
  LogConfig config;
  config.segment_ms = 1000;
  config.segment_jitter_ms = 1'000'000;
  for (int i = 0; i < 40; ++i) {
    auto log = open_log(config);
    const std::int64_t ts = clock_.now_ms();
    append(*log, make_batch(uniform_records(1, ts)));
    append(*log, make_batch(uniform_records(1, ts)));
    EXPECT_EQ(log->segment_count(), 1u);
    append(*log, make_batch(uniform_records(1, ts + 1001)));
    EXPECT_EQ(log->segment_count(), 2u);
    ASSERT_TRUE(log->delete_all().ok());
  }
}

TEST_F(SegmentRollTest, RollsWhenTheOffsetIndexIsFull) {
  LogConfig config;
  config.segment_index_bytes = 96;  // 12 offset index entries, 8 time index slots
  config.index_interval_bytes = 1;  // an entry for every batch after the first
  auto log = open_log(config);
  // One timestamp throughout: the time index holds a single entry and never fills.
  const std::int64_t ts = clock_.now_ms();
  for (int i = 0; i < 40; ++i) append(*log, make_batch(uniform_records(2, ts)));
  const auto segments = log->segments();
  ASSERT_GE(segments.size(), 3u);
  for (std::size_t i = 0; i + 1 < segments.size(); ++i) {
    EXPECT_EQ(segments[i]->offset_index().entries(), 12);
    EXPECT_EQ(segments[i]->time_index().entries(), 1);
    // 13 batches: the first is not indexed.
    EXPECT_EQ(segments[i + 1]->base_offset() - segments[i]->base_offset(), 26);
  }
  EXPECT_EQ(log->log_end_offset(), 80);
}

TEST_F(SegmentRollTest, RollsWhenTheTimeIndexIsFull) {
  LogConfig config;
  config.segment_index_bytes = 96;  // 8 time index slots, the last kept for the roll
  config.index_interval_bytes = 1;
  auto log = open_log(config);
  const std::int64_t t0 = clock_.now_ms();
  for (int i = 0; i < 40; ++i) append(*log, make_batch(uniform_records(2, t0 + i)));
  const auto segments = log->segments();
  ASSERT_GE(segments.size(), 3u);
  for (std::size_t i = 0; i + 1 < segments.size(); ++i) {
    EXPECT_EQ(segments[i]->time_index().entries(), 7);
    EXPECT_LT(segments[i]->offset_index().entries(), 12);
    EXPECT_EQ(segments[i + 1]->base_offset() - segments[i]->base_offset(), 16);
  }
}

TEST_F(SegmentRollTest, RollsBeforeAnOffsetThatDoesNotFitFourBytes) {
  constexpr std::int64_t kBase = 5'000'000'000;
  constexpr std::int64_t kMaxRelative = std::numeric_limits<std::int32_t>::max();
  LogConfig config;
  auto segment = open_segment(kBase, config, true);
  const std::int64_t now = clock_.now_ms();
  EXPECT_FALSE(segment->should_roll(config, 100, now, kBase + kMaxRelative, now));
  EXPECT_TRUE(segment->should_roll(config, 100, now, kBase + kMaxRelative + 1, now));

  append_to(*segment, kBase, uniform_records(1, now));
  append_to(*segment, kBase + kMaxRelative, uniform_records(1, now));
  EXPECT_EQ(segment->size(), 2 * make_batch(uniform_records(1, now)).size());
  EXPECT_TRUE(segment->should_roll(config, 100, now, kBase + kMaxRelative + 1, now));

  // The segment refuses such a batch rather than writing a wrapped index entry.
  const std::uint64_t before = segment->size();
  protocol::BatchOptions options;
  options.base_offset = kBase + kMaxRelative + 1;
  const auto bytes = make_batch(uniform_records(1, now), options);
  const auto status = segment->append(kBase + kMaxRelative + 1, now, kBase + kMaxRelative + 1, bytes);
  EXPECT_EQ(status.code, protocol::ErrorCode::KAFKA_STORAGE_ERROR);
  EXPECT_EQ(segment->size(), before);
  auto next = segment->read_next_offset();
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, kBase + kMaxRelative + 1);
}

// --- Offset lookups ------------------------------------------------------------

class SegmentOffsetLookupTest : public SegmentFixture {};

TEST_F(SegmentOffsetLookupTest, TranslatesEveryOffsetAndEveryIndexBoundary) {
  constexpr std::int64_t kBase = 1000;
  const std::uint64_t batch_size = make_batch(uniform_records(5, 0)).size();
  LogConfig config;
  config.index_interval_bytes = static_cast<std::int64_t>(2 * batch_size + 1);  // every third batch
  auto segment = open_segment(kBase, config, true);
  std::vector<Placed> batches;
  for (int i = 0; i < 20; ++i) batches.push_back(append_to(*segment, kBase + i * 5, uniform_records(5, 0)));
  const std::int64_t last = batches.back().last;
  ASSERT_EQ(last, kBase + 99);

  auto check = [&](LogSegment& s) {
    OffsetIndex& index = s.offset_index();
    ASSERT_EQ(index.entries(), 6);  // batches 3, 6, ..., 18
    for (std::int32_t n = 0; n < index.entries(); ++n) {
      const OffsetPosition e = *index.entry(n);
      const Placed& b = batches[static_cast<std::size_t>(3 * (n + 1))];
      // Kafka indexes a batch by its last offset and its start position.
      EXPECT_EQ(e, (OffsetPosition{b.last, static_cast<std::int32_t>(b.position)}));
      EXPECT_EQ(index.lookup(e.offset), e);
      EXPECT_EQ(index.lookup(e.offset + 1), e);
      const OffsetPosition before = n == 0 ? OffsetPosition{kBase, 0} : *index.entry(n - 1);
      EXPECT_EQ(index.lookup(e.offset - 1), before);
    }
    EXPECT_EQ(index.lookup(kBase), (OffsetPosition{kBase, 0}));
    EXPECT_EQ(index.lookup(kBase - 1), (OffsetPosition{kBase, 0}));
    EXPECT_EQ(index.lookup(last + 1000), *index.entry(index.entries() - 1));

    // Every offset, including each indexed one and its neighbours, lands on
    // the batch holding it.
    for (std::int64_t offset = kBase; offset <= last; ++offset) {
      const Placed& b = batches[static_cast<std::size_t>((offset - kBase) / 5)];
      auto at = s.translate_offset(offset);
      ASSERT_TRUE(at.ok() && at->has_value()) << offset;
      EXPECT_EQ((*at)->position, b.position) << offset;
      EXPECT_EQ((*at)->header.base_offset, b.first) << offset;
    }
    // Below the base: the first batch, as Kafka's translateOffset.
    auto below = s.translate_offset(kBase - 1);
    ASSERT_TRUE(below.ok() && below->has_value());
    EXPECT_EQ((*below)->position, 0u);
    // Past the end: nothing, and no read.
    for (const std::int64_t past : {last + 1, last + 2, last + 1'000'000, std::numeric_limits<std::int64_t>::max()}) {
      auto none = s.translate_offset(past);
      ASSERT_TRUE(none.ok());
      EXPECT_FALSE(none->has_value()) << past;
      auto read = s.read(past, 1 << 20, s.size(), true);
      ASSERT_TRUE(read.ok());
      EXPECT_FALSE(read->has_value()) << past;
    }
    // The last offset reads the whole last batch, even with a tiny max size.
    auto tail = s.read(last, 1, s.size(), true);
    ASSERT_TRUE(tail.ok() && tail->has_value());
    EXPECT_EQ((*tail)->first_position, batches.back().position);
    EXPECT_EQ((*tail)->slice.length, batch_size);
    // A read stops at max_position (the high watermark's position).
    auto bounded = s.read(kBase + 12, 1 << 20, batches[10].position, false);
    ASSERT_TRUE(bounded.ok() && bounded->has_value());
    EXPECT_EQ((*bounded)->first_position, batches[2].position);
    EXPECT_EQ((*bounded)->slice.position + (*bounded)->slice.length, batches[10].position);
  };
  {
    SCOPED_TRACE("active");
    check(*segment);
  }
  ASSERT_TRUE(segment->on_becoming_inactive().ok());
  segment->close();
  segment.reset();
  auto reopened = open_segment(kBase, config, false);
  SCOPED_TRACE("reopened");
  check(*reopened);
}

TEST_F(SegmentOffsetLookupTest, AnEmptySegmentHasNothingToTranslate) {
  auto segment = open_segment(42, LogConfig{}, true);
  EXPECT_EQ(segment->offset_index().lookup(42), (OffsetPosition{42, 0}));
  auto at = segment->translate_offset(42);
  ASSERT_TRUE(at.ok());
  EXPECT_FALSE(at->has_value());
  auto next = segment->read_next_offset();
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, 42);
}

TEST_F(SegmentOffsetLookupTest, LookupsAcrossTheWarmSectionOfALargeIndex) {
  // Over 1024 entries: lookups search the last 8 KiB first, then the rest.
  LogConfig config;
  config.index_interval_bytes = 1;
  auto segment = open_segment(0, config, true);
  std::vector<Placed> batches;
  for (int i = 0; i < 3000; ++i) batches.push_back(append_to(*segment, i * 2, uniform_records(2, 0)));
  OffsetIndex& index = segment->offset_index();
  ASSERT_EQ(index.entries(), 2999);
  for (std::int32_t n = 0; n < index.entries(); ++n) {
    const OffsetPosition e = *index.entry(n);
    ASSERT_EQ(e.offset, batches[static_cast<std::size_t>(n + 1)].last);
    ASSERT_EQ(index.lookup(e.offset), e) << n;
    const OffsetPosition before = n == 0 ? OffsetPosition{0, 0} : *index.entry(n - 1);
    ASSERT_EQ(index.lookup(e.offset - 1), before) << n;
  }
  for (std::int64_t offset = 0; offset < 6000; offset += 7) {
    auto at = segment->translate_offset(offset);
    ASSERT_TRUE(at.ok() && at->has_value());
    ASSERT_EQ((*at)->position, batches[static_cast<std::size_t>(offset / 2)].position) << offset;
  }
}

// --- Timestamp lookups -----------------------------------------------------------

class SegmentTimeLookupTest : public SegmentFixture {};

TEST_F(SegmentTimeLookupTest, FindsTheFirstRecordAtOrAfterATimestamp) {
  // Batch i holds records at t0 + 100 i + 10 j, j = 0..3; offsets 4 i + j.
  const std::int64_t t0 = 1'700'000'000'000;
  LogConfig config;
  config.index_interval_bytes = 200;
  auto segment = open_segment(0, config, true);
  for (int i = 0; i < 30; ++i) append_to(*segment, 4 * i, uniform_records(4, t0 + 100 * i, 10));
  ASSERT_GT(segment->time_index().entries(), 3);
  auto find = [&](std::int64_t ts, std::int64_t starting_offset = 0) {
    auto r = segment->find_offset_by_timestamp(ts, starting_offset, kMaxDecompressed);
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : std::nullopt;
  };
  // Before the first record: the first record.
  auto first = find(t0 - 1'000'000);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->offset, 0);
  EXPECT_EQ(first->timestamp, t0);
  for (int i = 0; i < 30; ++i) {
    for (int j = 0; j < 4; ++j) {
      const std::int64_t ts = t0 + 100 * i + 10 * j;
      auto exact = find(ts);
      ASSERT_TRUE(exact.has_value());
      EXPECT_EQ(exact->offset, 4 * i + j);
      EXPECT_EQ(exact->timestamp, ts);
      // Between two records: the later one (the next batch after the last record).
      auto between = find(ts + 5);
      if (i == 29 && j == 3) {
        EXPECT_FALSE(between.has_value());
        continue;
      }
      ASSERT_TRUE(between.has_value());
      const std::int64_t next = j == 3 ? 4 * (i + 1) : 4 * i + j + 1;
      EXPECT_EQ(between->offset, next);
      EXPECT_EQ(between->timestamp, j == 3 ? t0 + 100 * (i + 1) : ts + 10);
    }
  }
  EXPECT_FALSE(find(t0 + 100 * 29 + 31).has_value());
  EXPECT_FALSE(find(std::numeric_limits<std::int64_t>::max()).has_value());
  // The starting offset (the log start offset) bounds the answer from below.
  auto from = find(t0, 17);
  ASSERT_TRUE(from.has_value());
  EXPECT_EQ(from->offset, 17);
  EXPECT_EQ(from->timestamp, t0 + 100 * 4 + 10);
}

TEST_F(SegmentTimeLookupTest, OutOfOrderTimestampsAnswerInOffsetOrder) {
  // ListOffsets returns the earliest offset whose timestamp is >= the target,
  // even when a later batch has a smaller timestamp.
  LogConfig config;
  config.index_interval_bytes = 1;
  auto segment = open_segment(0, config, true);
  const std::vector<std::int64_t> ts = {5000, 3000, 7000, 6000, 9000};
  for (std::size_t i = 0; i < ts.size(); ++i)
    append_to(*segment, static_cast<std::int64_t>(i), uniform_records(1, ts[i]));
  auto offset_for = [&](std::int64_t target) -> std::int64_t {
    auto r = segment->find_offset_by_timestamp(target, 0, kMaxDecompressed);
    EXPECT_TRUE(r.ok());
    return r.ok() && r->has_value() ? (*r)->offset : -1;
  };
  EXPECT_EQ(offset_for(1000), 0);
  EXPECT_EQ(offset_for(3000), 0);
  EXPECT_EQ(offset_for(5000), 0);
  EXPECT_EQ(offset_for(5500), 2);
  EXPECT_EQ(offset_for(6000), 2);
  EXPECT_EQ(offset_for(7001), 4);
  EXPECT_EQ(offset_for(9001), -1);
}

TEST_F(SegmentTimeLookupTest, LogAppendTimeBatchesAnswerWithTheAppendTime) {
  // With LogAppendTime every record of a batch has the broker's append time,
  // whatever the producer wrote.
  LogConfig config;
  config.message_timestamp_type = TimestampType::kLogAppendTime;
  config.index_interval_bytes = 1;
  config.segment_bytes = 1500;
  auto log = open_log(config);
  std::vector<std::int64_t> append_times;
  std::vector<std::int64_t> first_offsets;
  for (int i = 0; i < 30; ++i) {
    clock_.advance(1000);
    auto info = append(*log, make_batch(uniform_records(3, 5, 1)));
    ASSERT_EQ(info.log_append_time, clock_.now_ms());
    append_times.push_back(info.log_append_time);
    first_offsets.push_back(info.first_offset);
  }
  ASSERT_GT(log->segment_count(), 3u);
  auto find = [&](std::int64_t ts) {
    auto r = log->fetch_offset_by_timestamp(ts);
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : std::nullopt;
  };
  auto before = find(append_times.front() - 500);
  ASSERT_TRUE(before.has_value());
  EXPECT_EQ(before->offset, 0);
  EXPECT_EQ(before->timestamp, append_times.front());
  for (std::size_t i = 0; i < append_times.size(); ++i) {
    auto exact = find(append_times[i]);
    ASSERT_TRUE(exact.has_value());
    EXPECT_EQ(exact->offset, first_offsets[i]);
    EXPECT_EQ(exact->timestamp, append_times[i]);
    auto between = find(append_times[i] + 1);
    if (i + 1 == append_times.size()) {
      EXPECT_FALSE(between.has_value());
    } else {
      ASSERT_TRUE(between.has_value());
      EXPECT_EQ(between->offset, first_offsets[i + 1]);
      EXPECT_EQ(between->timestamp, append_times[i + 1]);
    }
  }
  // The segment holding batch 10 answers the same on its own.
  for (const auto& segment : log->segments()) {
    auto next = segment->read_next_offset();
    ASSERT_TRUE(next.ok());
    if (segment->base_offset() > first_offsets[10] || *next <= first_offsets[10]) continue;
    for (const std::int64_t target : {append_times[10] - 1, append_times[10]}) {
      auto r = segment->find_offset_by_timestamp(target, 0, kMaxDecompressed);
      ASSERT_TRUE(r.ok() && r->has_value());
      EXPECT_EQ((*r)->offset, first_offsets[10]);
      EXPECT_EQ((*r)->timestamp, append_times[10]);
    }
  }
  EXPECT_FALSE(find(append_times.back() + 1).has_value());
}

// --- Index recovery ----------------------------------------------------------

class SegmentIndexRecoveryTest : public SegmentFixture {
 protected:
  struct IndexFiles {
    std::map<std::string, std::vector<std::uint8_t>> bytes;  // by file name
  };

  IndexFiles index_files() const {
    IndexFiles out;
    for (const auto& e : std::filesystem::directory_iterator(log_dir())) {
      const std::string name = e.path().filename().string();
      if (name.ends_with(kIndexSuffix) || name.ends_with(kTimeIndexSuffix)) out.bytes[name] = file_bytes(e.path());
    }
    return out;
  }

  // A log of several segments with dense indexes and timestamps that are
  // not always increasing, closed cleanly.
  LogConfig write_log() {
    LogConfig config;
    config.segment_bytes = 16 * 1024;
    config.index_interval_bytes = 300;
    auto log = open_log(config);
    const std::int64_t t0 = clock_.now_ms();
    for (int i = 0; i < 320; ++i) {
      const std::int64_t ts = t0 + i * 50 - (i % 7 == 3 ? 400 : 0);
      append(*log, make_batch(uniform_records(1 + i % 4, ts, 3)));
    }
    EXPECT_GE(log->segment_count(), 4u);
    EXPECT_TRUE(log->close().ok());
    return config;
  }

  void expect_reads_everything(Log& log, std::int64_t end) {
    EXPECT_EQ(log.log_end_offset(), end);
    for (std::int64_t offset = 0; offset < end; offset += 3) {
      auto r = log.read(offset, 1, FetchIsolation::kLogEnd, true);
      ASSERT_TRUE(r.ok()) << offset;
      auto records = testing::records_in(r->records);
      ASSERT_FALSE(records.empty()) << offset;
      EXPECT_LE(records.front().offset, offset);
      EXPECT_GE(records.back().offset, offset);
    }
  }
};

TEST_F(SegmentIndexRecoveryTest, SegmentRecoveryRebuildsIndexesByteForByte) {
  LogConfig config;
  config.index_interval_bytes = 250;
  auto segment = open_segment(100, config, true);
  const std::int64_t t0 = clock_.now_ms();
  std::int64_t next = 100;
  for (int i = 0; i < 300; ++i) {
    const std::int64_t ts = t0 + i * 20 - (i % 5 == 2 ? 100 : 0);
    next = append_to(*segment, next, uniform_records(1 + i % 3, ts, 1)).last + 1;
  }
  ASSERT_TRUE(segment->on_becoming_inactive().ok());
  const auto index = file_bytes(segment_file(100, kIndexSuffix));
  const auto time_index = file_bytes(segment_file(100, kTimeIndexSuffix));
  ASSERT_GT(index.size(), 50u * OffsetIndex::kEntrySize);
  ASSERT_GT(time_index.size(), 50u * TimeIndex::kEntrySize);
  const std::int64_t max_ts = segment->max_timestamp_so_far();
  const std::int64_t offset_of_max = segment->offset_of_max_timestamp_so_far();
  segment->close();
  segment.reset();

  std::filesystem::remove(segment_file(100, kIndexSuffix));
  std::filesystem::remove(segment_file(100, kTimeIndexSuffix));
  auto recovered = open_segment(100, config, false);
  auto dropped = recovered->recover([](const protocol::RecordBatchView&) { return protocol::Status{}; });
  ASSERT_TRUE(dropped.ok());
  EXPECT_EQ(*dropped, 0u);
  EXPECT_EQ(file_bytes(segment_file(100, kIndexSuffix)), index);
  EXPECT_EQ(file_bytes(segment_file(100, kTimeIndexSuffix)), time_index);
  EXPECT_EQ(recovered->max_timestamp_so_far(), max_ts);
  EXPECT_EQ(recovered->offset_of_max_timestamp_so_far(), offset_of_max);
  auto next_offset = recovered->read_next_offset();
  ASSERT_TRUE(next_offset.ok());
  EXPECT_EQ(*next_offset, next);
}

TEST_F(SegmentIndexRecoveryTest, MissingIndexesAreRebuiltOnOpenByteForByte) {
  const LogConfig config = write_log();
  const IndexFiles original = index_files();
  ASSERT_GE(original.bytes.size(), 8u);
  for (const auto& [name, bytes] : original.bytes) std::filesystem::remove(log_dir() / name);

  auto log = open_log(config);  // a clean shutdown: only the missing indexes are rebuilt
  ASSERT_NE(log, nullptr);
  const std::int64_t end = log->log_end_offset();
  expect_reads_everything(*log, end);
  ASSERT_TRUE(log->close().ok());
  const IndexFiles rebuilt = index_files();
  ASSERT_EQ(rebuilt.bytes.size(), original.bytes.size());
  for (const auto& [name, bytes] : original.bytes) {
    EXPECT_EQ(rebuilt.bytes.at(name), bytes) << name;
  }
}

// How an index file on disk was damaged.
struct Damage {
  const char* name;
  std::string_view suffix;
  std::vector<std::uint8_t> (*garbage)(std::size_t original_size);
};

std::vector<std::uint8_t> odd_length(std::size_t) { return std::vector<std::uint8_t>(13, 0xab); }
std::vector<std::uint8_t> all_ones(std::size_t size) { return std::vector<std::uint8_t>(size, 0xff); }
std::vector<std::uint8_t> empty_file(std::size_t) { return {}; }
// Timestamps that go down: 12-byte entries of (ts, relative offset).
std::vector<std::uint8_t> decreasing_times(std::size_t) {
  std::vector<std::uint8_t> out;
  for (std::uint8_t ts : {9, 5, 1}) {
    const std::uint8_t entry[12] = {0, 0, 0, 0, 0, 0, 0, ts, 0, 0, 0, 1};
    out.insert(out.end(), std::begin(entry), std::end(entry));
  }
  return out;
}

class SegmentDamagedIndexTest : public SegmentIndexRecoveryTest, public ::testing::WithParamInterface<Damage> {};

TEST_P(SegmentDamagedIndexTest, IsRebuiltOnOpenNotFatal) {
  const LogConfig config = write_log();
  const IndexFiles original = index_files();
  // Damage the index of the first segment and of the active one.
  std::vector<std::string> damaged;
  {
    auto log = open_log(config);
    const auto segments = log->segments();
    for (const auto& s : {segments.front(), segments.back()}) {
      damaged.push_back(offset_file_name(s->base_offset()) + std::string(GetParam().suffix));
    }
    ASSERT_TRUE(log->close().ok());
  }
  for (const std::string& name : damaged)
    write_file(log_dir() / name, GetParam().garbage(original.bytes.at(name).size()));

  auto log = open_log(config);
  ASSERT_NE(log, nullptr);
  const std::int64_t end = log->log_end_offset();
  expect_reads_everything(*log, end);
  auto found = log->fetch_offset_by_timestamp(clock_.now_ms() + 1000);
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  ASSERT_TRUE(log->close().ok());
  const IndexFiles after = index_files();
  for (const std::string& name : damaged) EXPECT_EQ(after.bytes.at(name), original.bytes.at(name)) << name;
}

INSTANTIATE_TEST_SUITE_P(Garbage, SegmentDamagedIndexTest,
                         ::testing::Values(Damage{"OffsetIndexOddLength", kIndexSuffix, odd_length},
                                           Damage{"OffsetIndexBelowBase", kIndexSuffix, all_ones},
                                           Damage{"TimeIndexOddLength", kTimeIndexSuffix, odd_length},
                                           Damage{"TimeIndexDecreasing", kTimeIndexSuffix, decreasing_times}),
                         [](const ::testing::TestParamInfo<Damage>& info) { return info.param.name; });

TEST_F(SegmentIndexRecoveryTest, AnEmptiedIndexStillServesReads) {
  // A zero-length index passes Kafka's sanity checks: lookups fall back to
  // scanning the segment from its start.
  const LogConfig config = write_log();
  const IndexFiles original = index_files();
  for (const auto& [name, bytes] : original.bytes) {
    if (name.ends_with(kIndexSuffix)) write_file(log_dir() / name, empty_file(bytes.size()));
  }
  auto log = open_log(config);
  ASSERT_NE(log, nullptr);
  expect_reads_everything(*log, log->log_end_offset());
}

TEST_F(SegmentIndexRecoveryTest, UncleanRecoveryRebuildsAPlausibleButWrongIndex) {
  // Entries that pass the sanity checks but point at the wrong positions
  // (what a crash can leave in a preallocated, mapped index) are not trusted
  // after an unclean shutdown: recovery rebuilds every index past the
  // recovery point.
  const LogConfig config = write_log();
  const IndexFiles original = index_files();
  for (const auto& [name, bytes] : original.bytes) {
    if (!name.ends_with(kIndexSuffix)) continue;
    std::vector<std::uint8_t> wrong(bytes.size(), 0);
    for (std::size_t i = 0; i + 8 <= wrong.size(); i += 8) {
      wrong[i + 3] = static_cast<std::uint8_t>(i / 8 + 1);  // increasing relative offsets
      wrong[i + 7] = 7;                                     // every position mid-batch
    }
    write_file(log_dir() / name, wrong);
  }
  LogOpenOptions options;
  options.had_clean_shutdown = false;
  options.recovery_point = 0;
  auto log = open_log(config, options);
  ASSERT_NE(log, nullptr);
  expect_reads_everything(*log, log->log_end_offset());
  ASSERT_TRUE(log->close().ok());
  const IndexFiles after = index_files();
  for (const auto& [name, bytes] : original.bytes) EXPECT_EQ(after.bytes.at(name), bytes) << name;
}

}  // namespace
}  // namespace sluice::storage
