#include "storage/log/log.h"

#include <gtest/gtest.h>

#include <fstream>
#include <limits>

#include "protocol/records/legacy_message_set.h"
#include "tests/storage/storage_test_util.h"

namespace sluice::storage {
namespace {

using testing::make_batch;
using testing::make_values_batch;
using testing::records_in;
using testing::TempDir;

class LogTest : public ::testing::Test {
 protected:
  std::shared_ptr<Log> open_log(LogConfig config = {}, LogOpenOptions options = {}) {
    auto log = Log::open(dir_.path() / "topic-0", TopicPartition{"topic", 0}, std::make_shared<LogConfig>(config),
                         options, clock_, scheduler_);
    EXPECT_TRUE(log.ok()) << log.status().detail;
    return log.ok() ? *log : nullptr;
  }

  LogAppendInfo append(Log& log, std::vector<std::uint8_t> batch, std::int32_t epoch = 0) {
    std::vector<RecordError> errors;
    auto info = log.append_as_leader(batch, epoch, AppendOrigin::kClient, errors);
    EXPECT_TRUE(info.ok()) << info.status().detail;
    log.update_high_watermark(log.log_end_offset());
    return info.ok() ? *info : LogAppendInfo{};
  }

  std::vector<testing::ReadRecord> read_all(const Log& log, std::int64_t from = 0) {
    std::vector<testing::ReadRecord> all;
    std::int64_t offset = std::max(from, log.log_start_offset());
    while (offset < log.high_watermark()) {
      auto r = log.read(offset, 1 << 20, FetchIsolation::kHighWatermark, true);
      EXPECT_TRUE(r.ok());
      if (!r.ok() || r->records.empty()) break;
      auto recs = records_in(r->records);
      for (auto& rec : recs) {
        if (rec.offset >= offset) all.push_back(rec);
      }
      offset = recs.back().offset + 1;
    }
    return all;
  }

  TempDir dir_;
  ManualClock clock_;
  Scheduler scheduler_{1};
};

TEST_F(LogTest, AppendAssignsOffsetsAndReadsBack) {
  auto log = open_log();
  auto first = append(*log, make_values_batch(3, "a", clock_.now_ms()));
  EXPECT_EQ(first.first_offset, 0);
  EXPECT_EQ(first.last_offset, 2);
  auto second = append(*log, make_values_batch(2, "b", clock_.now_ms()));
  EXPECT_EQ(second.first_offset, 3);
  EXPECT_EQ(log->log_end_offset(), 5);
  auto all = read_all(*log);
  ASSERT_EQ(all.size(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(all[i].offset, i);
  EXPECT_EQ(all[3].value, "b-v0");
  EXPECT_TRUE(std::filesystem::exists(dir_.path() / "topic-0" / "00000000000000000000.log"));
  EXPECT_TRUE(std::filesystem::exists(dir_.path() / "topic-0" / "00000000000000000000.index"));
  EXPECT_TRUE(std::filesystem::exists(dir_.path() / "topic-0" / "00000000000000000000.timeindex"));
}

TEST_F(LogTest, ReadsOutsideTheLogAreOutOfRangeAndAtTheEndEmpty) {
  auto log = open_log();
  append(*log, make_values_batch(3, "a", clock_.now_ms()));
  EXPECT_EQ(log->read(4, 1000, FetchIsolation::kHighWatermark, true).code(), protocol::ErrorCode::OFFSET_OUT_OF_RANGE);
  auto at_end = log->read(3, 1000, FetchIsolation::kHighWatermark, true);
  ASSERT_TRUE(at_end.ok());
  EXPECT_TRUE(at_end->records.empty());
  EXPECT_EQ(at_end->high_watermark, 3);
}

TEST_F(LogTest, ConsumersDoNotSeePastTheHighWatermark) {
  auto log = open_log();
  append(*log, make_values_batch(2, "a", clock_.now_ms()));
  std::vector<RecordError> errors;
  auto batch = make_values_batch(2, "b", clock_.now_ms());
  ASSERT_TRUE(log->append_as_leader(batch, 0, AppendOrigin::kClient, errors).ok());
  EXPECT_EQ(log->log_end_offset(), 4);
  EXPECT_EQ(log->high_watermark(), 2);
  auto r = log->read(0, 1 << 20, FetchIsolation::kHighWatermark, true);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(records_in(r->records).size(), 2u);
  auto empty = log->read(2, 1 << 20, FetchIsolation::kHighWatermark, true);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->records.empty());
  auto replica = log->read(2, 1 << 20, FetchIsolation::kLogEnd, true);
  EXPECT_EQ(records_in(replica->records).size(), 2u);
}

TEST_F(LogTest, RollsBySegmentBytesAndKeepsEveryRecordReadable) {
  LogConfig config;
  config.segment_bytes = 1024;
  config.index_interval_bytes = 100;
  auto log = open_log(config);
  for (int i = 0; i < 40; ++i) append(*log, make_values_batch(4, "r" + std::to_string(i), clock_.now_ms()));
  EXPECT_GT(log->segment_count(), 5u);
  auto segments = log->segments();
  for (std::size_t i = 1; i < segments.size(); ++i) {
    EXPECT_TRUE(
        std::filesystem::exists(dir_.path() / "topic-0" / (offset_file_name(segments[i]->base_offset()) + ".log")));
  }
  auto all = read_all(*log);
  ASSERT_EQ(all.size(), 160u);
  for (int i = 0; i < 160; ++i) ASSERT_EQ(all[i].offset, i);
  // Reading from the middle of any segment starts at the right record.
  auto mid = read_all(*log, 97);
  ASSERT_FALSE(mid.empty());
  EXPECT_EQ(mid.front().offset, 97);
}

TEST_F(LogTest, RollsBySegmentMs) {
  LogConfig config;
  config.segment_ms = 60'000;
  auto log = open_log(config);
  append(*log, make_values_batch(1, "a", clock_.now_ms()));
  clock_.advance(30'000);
  append(*log, make_values_batch(1, "b", clock_.now_ms()));
  EXPECT_EQ(log->segment_count(), 1u);
  clock_.advance(31'000);
  append(*log, make_values_batch(1, "c", clock_.now_ms()));
  EXPECT_EQ(log->segment_count(), 2u);
  EXPECT_EQ(log->segments().back()->base_offset(), 2);
}

TEST_F(LogTest, ReopenAfterCloseKeepsEverything) {
  LogConfig config;
  config.segment_bytes = 2048;
  {
    auto log = open_log(config);
    for (int i = 0; i < 20; ++i) append(*log, make_values_batch(5, "x" + std::to_string(i), clock_.now_ms()));
    ASSERT_TRUE(log->close().ok());
  }
  auto log = open_log(config);
  EXPECT_EQ(log->log_end_offset(), 100);
  EXPECT_EQ(read_all(*log).size(), 100u);
  auto more = append(*log, make_values_batch(1, "y", clock_.now_ms()));
  EXPECT_EQ(more.first_offset, 100);
}

TEST_F(LogTest, RecoveryDropsATornWriteAfterAnUncleanShutdown) {
  {
    auto log = open_log();
    for (int i = 0; i < 5; ++i) append(*log, make_values_batch(2, "x" + std::to_string(i), clock_.now_ms()));
    // Simulate a crash mid-append: half a batch at the end of the file.
    auto half = make_values_batch(2, "torn", clock_.now_ms());
    std::ofstream f(dir_.path() / "topic-0" / "00000000000000000000.log", std::ios::app | std::ios::binary);
    f.write(reinterpret_cast<const char*>(half.data()), static_cast<std::streamsize>(half.size() / 2));
  }
  LogOpenOptions options;
  options.had_clean_shutdown = false;
  options.recovery_point = 0;
  auto log = open_log({}, options);
  EXPECT_EQ(log->log_end_offset(), 10);
  EXPECT_EQ(read_all(*log).size(), 10u);
  EXPECT_EQ(append(*log, make_values_batch(1, "next", clock_.now_ms())).first_offset, 10);
}

TEST_F(LogTest, RecoveryDropsABatchWithABadCrc) {
  std::uint64_t good_size = 0;
  {
    auto log = open_log();
    for (int i = 0; i < 3; ++i) append(*log, make_values_batch(2, "x" + std::to_string(i), clock_.now_ms()));
    good_size = log->size_in_bytes();
    append(*log, make_values_batch(2, "bad", clock_.now_ms()));
  }
  {
    std::fstream f(dir_.path() / "topic-0" / "00000000000000000000.log",
                   std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(good_size + 70));
    f.put('\x7f');
  }
  LogOpenOptions options;
  options.had_clean_shutdown = false;
  auto log = open_log({}, options);
  EXPECT_EQ(log->log_end_offset(), 6);
  EXPECT_EQ(log->size_in_bytes(), good_size);
}

TEST_F(LogTest, RetentionBySizeDeletesOldestSegmentsAndMovesTheLogStart) {
  LogConfig config;
  config.segment_bytes = 1024;
  config.retention_bytes = 3000;
  config.file_delete_delay_ms = 0;
  auto log = open_log(config);
  for (int i = 0; i < 40; ++i) append(*log, make_values_batch(4, "r" + std::to_string(i), clock_.now_ms()));
  const std::size_t before = log->segment_count();
  auto deleted = log->delete_old_segments();
  ASSERT_TRUE(deleted.ok());
  EXPECT_GT(*deleted, 0);
  EXPECT_EQ(log->segment_count(), before - static_cast<std::size_t>(*deleted));
  EXPECT_LE(log->size_in_bytes(), 3000u + 1024u);
  EXPECT_EQ(log->log_start_offset(), log->segments().front()->base_offset());
  EXPECT_EQ(log->read(0, 100, FetchIsolation::kHighWatermark, true).code(), protocol::ErrorCode::OFFSET_OUT_OF_RANGE);
  EXPECT_EQ(read_all(*log).back().offset, 159);
}

TEST_F(LogTest, RetentionByTimeDeletesOnlyOldSegments) {
  LogConfig config;
  config.segment_bytes = 1024;
  config.retention_ms = 60'000;
  config.file_delete_delay_ms = 0;
  auto log = open_log(config);
  for (int i = 0; i < 20; ++i) append(*log, make_values_batch(4, "old" + std::to_string(i), clock_.now_ms()));
  clock_.advance(120'000);
  ASSERT_TRUE(log->roll().ok());
  for (int i = 0; i < 3; ++i) append(*log, make_values_batch(1, "new" + std::to_string(i), clock_.now_ms()));
  auto deleted = log->delete_old_segments();
  ASSERT_TRUE(deleted.ok());
  EXPECT_GT(*deleted, 0);
  EXPECT_EQ(log->log_start_offset(), 80);
  EXPECT_EQ(read_all(*log).size(), 3u);
}

TEST_F(LogTest, RetentionOfEverythingKeepsAnActiveSegmentAtTheLogEnd) {
  LogConfig config;
  config.retention_ms = 1000;
  config.file_delete_delay_ms = 0;
  auto log = open_log(config);
  append(*log, make_values_batch(3, "a", clock_.now_ms()));
  clock_.advance(5000);
  auto deleted = log->delete_old_segments();
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(*deleted, 1);
  EXPECT_EQ(log->segment_count(), 1u);
  EXPECT_EQ(log->log_start_offset(), 3);
  EXPECT_EQ(log->log_end_offset(), 3);
  EXPECT_EQ(append(*log, make_values_batch(1, "b", clock_.now_ms())).first_offset, 3);
}

TEST_F(LogTest, DeleteRecordsMovesTheLogStartButNotPastTheHighWatermark) {
  auto log = open_log();
  append(*log, make_values_batch(5, "a", clock_.now_ms()));
  EXPECT_EQ(log->delete_records_before(6).code, protocol::ErrorCode::OFFSET_OUT_OF_RANGE);
  ASSERT_TRUE(log->delete_records_before(3).ok());
  EXPECT_EQ(log->log_start_offset(), 3);
  EXPECT_EQ(log->read(2, 100, FetchIsolation::kHighWatermark, true).code(), protocol::ErrorCode::OFFSET_OUT_OF_RANGE);
  auto earliest = log->fetch_offset_by_timestamp(list_offsets::kEarliest);
  ASSERT_TRUE(earliest.ok() && earliest->has_value());
  EXPECT_EQ((*earliest)->offset, 3);
}

TEST_F(LogTest, TruncateToDropsTheTailAndAppendsContinueThere) {
  LogConfig config;
  config.segment_bytes = 1024;
  auto log = open_log(config);
  for (int i = 0; i < 30; ++i) append(*log, make_values_batch(2, "r" + std::to_string(i), clock_.now_ms()));
  ASSERT_TRUE(log->truncate_to(20).ok());
  EXPECT_EQ(log->log_end_offset(), 20);
  EXPECT_EQ(log->high_watermark(), 20);
  EXPECT_EQ(read_all(*log).size(), 20u);
  EXPECT_EQ(append(*log, make_values_batch(1, "after", clock_.now_ms())).first_offset, 20);
}

TEST_F(LogTest, OffsetForTimestamp) {
  LogConfig config;
  config.segment_bytes = 1024;
  auto log = open_log(config);
  const std::int64_t t0 = clock_.now_ms();
  for (int i = 0; i < 30; ++i) append(*log, make_values_batch(2, "r" + std::to_string(i), t0 + i * 1000));
  auto found = log->fetch_offset_by_timestamp(t0 + 10'500);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->offset, 22);
  EXPECT_EQ((*found)->timestamp, t0 + 11'000);
  auto none = log->fetch_offset_by_timestamp(t0 + 1'000'000);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  auto max = log->fetch_offset_by_timestamp(list_offsets::kMaxTimestamp);
  ASSERT_TRUE(max.ok() && max->has_value());
  EXPECT_EQ((*max)->offset, 58);
  EXPECT_EQ((*max)->timestamp, t0 + 29'000);
}

TEST_F(LogTest, CompactedTopicsRejectKeylessRecords) {
  LogConfig config;
  config.cleanup_policy = CleanupPolicy::kCompact;
  auto log = open_log(config);
  auto batch = make_batch({{"k", "v"}, {std::nullopt, "no key"}});
  std::vector<RecordError> errors;
  auto r = log->append_as_leader(batch, 0, AppendOrigin::kClient, errors);
  EXPECT_EQ(r.code(), protocol::ErrorCode::INVALID_RECORD);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].batch_index, 1);
  EXPECT_EQ(log->log_end_offset(), 0);
}

TEST_F(LogTest, BatchesAboveMaxMessageBytesAreRejected) {
  LogConfig config;
  config.max_message_bytes = 200;
  auto log = open_log(config);
  std::vector<RecordError> errors;
  auto batch = make_batch({{"k", std::string(500, 'x')}});
  EXPECT_EQ(log->append_as_leader(batch, 0, AppendOrigin::kClient, errors).code(),
            protocol::ErrorCode::MESSAGE_TOO_LARGE);
}

TEST_F(LogTest, CorruptBatchesAreRejected) {
  auto log = open_log();
  auto batch = make_values_batch(2, "a", clock_.now_ms());
  batch[batch.size() - 3] ^= 0x10;
  std::vector<RecordError> errors;
  EXPECT_EQ(log->append_as_leader(batch, 0, AppendOrigin::kClient, errors).code(),
            protocol::ErrorCode::CORRUPT_MESSAGE);
}

TEST_F(LogTest, TimestampsOutsideTheAllowedRangeAreRejected) {
  LogConfig config;
  config.message_timestamp_before_max_ms = 3'600'000;
  auto log = open_log(config);
  std::vector<RecordError> errors;
  auto batch = make_values_batch(1, "old", clock_.now_ms() - 7'200'000);
  EXPECT_EQ(log->append_as_leader(batch, 0, AppendOrigin::kClient, errors).code(),
            protocol::ErrorCode::INVALID_TIMESTAMP);
}

// A producer's timestamp near INT64_MIN is further from now than int64 holds:
// outside any configured bound, inside the default Long.MAX_VALUE (no bound).
TEST_F(LogTest, TimestampsWhoseDistanceFromNowOverflowsAreCheckedNotWrapped) {
  LogConfig config;
  config.message_timestamp_before_max_ms = 3'600'000;
  auto log = open_log(config);
  std::vector<RecordError> errors;
  auto batch = make_values_batch(1, "ancient", std::numeric_limits<std::int64_t>::min() + 1);
  EXPECT_EQ(log->append_as_leader(batch, 0, AppendOrigin::kClient, errors).code(),
            protocol::ErrorCode::INVALID_TIMESTAMP);
}

TEST_F(LogTest, RecordTimestampsPastInt64WrapAsKafkasDo) {
  auto log = open_log();
  append(*log, make_values_batch(1, "ancient", std::numeric_limits<std::int64_t>::min() + 1));
  // Base timestamp INT64_MAX and a record delta of +1 (zigzag 2; the record's
  // length and attributes come first).
  auto batch = make_values_batch(1, "wraps", std::numeric_limits<std::int64_t>::max());
  ASSERT_EQ(batch[protocol::batch_layout::kRecords + 2], 0);
  batch[protocol::batch_layout::kRecords + 2] = 2;
  protocol::update_crc(batch);
  append(*log, batch);
  auto all = read_all(*log);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].timestamp, std::numeric_limits<std::int64_t>::min() + 1);
  EXPECT_EQ(all[1].timestamp, std::numeric_limits<std::int64_t>::min());
}

TEST_F(LogTest, LogAppendTimeStampsTheBroker) {
  LogConfig config;
  config.message_timestamp_type = TimestampType::kLogAppendTime;
  auto log = open_log(config);
  auto info = append(*log, make_values_batch(2, "a", 5));
  EXPECT_EQ(info.log_append_time, clock_.now_ms());
  auto all = read_all(*log);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].timestamp, clock_.now_ms());
}

TEST_F(LogTest, TopicCompressionTypeRecompresses) {
  LogConfig config;
  config.compression_type = BrokerCompressionType::kGzip;
  auto log = open_log(config);
  append(*log, make_values_batch(3, "plain", clock_.now_ms()));
  auto r = log->read(0, 1 << 20, FetchIsolation::kHighWatermark, true);
  ASSERT_TRUE(r.ok());
  std::vector<std::uint8_t> header(61);
  ASSERT_EQ(::pread(r->records.file->fd(), header.data(), header.size(), static_cast<off_t>(r->records.position)), 61);
  auto h = protocol::parse_batch_header(header);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->compression(), protocol::CompressionType::kGzip);
  EXPECT_EQ(read_all(*log).size(), 3u);
}

TEST_F(LogTest, LegacyMessageSetsAreStoredAsV2) {
  auto log = open_log();
  protocol::LegacyMessageSetBuilder b(1, protocol::CompressionType::kNone);
  const std::string v = "legacy";
  b.append(0, clock_.now_ms(), std::nullopt, testing::bytes_of(v));
  b.append(1, clock_.now_ms(), std::nullopt, testing::bytes_of(v));
  auto legacy = b.build();
  ASSERT_TRUE(legacy.ok());
  auto info = append(*log, *legacy);
  EXPECT_EQ(info.last_offset, 1);
  auto all = read_all(*log);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].value, "legacy");
}

}  // namespace
}  // namespace sluice::storage
