// Recovery after an unclean shutdown, cut at every byte of the last batch:
// whatever a crash left of the batch being written, the log comes back with
// exactly the batches before it, the log end offset where that batch began,
// and appends continuing from there (Kafka's LogLoader + LogSegment.recover).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "storage/log/log.h"
#include "tests/storage/storage_test_util.h"

namespace sluice::storage {
namespace {

using testing::make_values_batch;
using testing::records_in;
using testing::TempDir;

std::vector<std::uint8_t> file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A log written once and closed, whose files each case copies and damages.
struct WrittenLog {
  std::filesystem::path dir;
  std::vector<std::int64_t> batch_first;  // first offset of each batch
  std::int64_t end = 0;                   // log end offset
  std::uint64_t last_batch_size = 0;
  std::int64_t last_segment_base = 0;
};

class TornTailRecoveryTest : public ::testing::Test {
 protected:
  std::shared_ptr<Log> open_log(const std::filesystem::path& dir, LogOpenOptions options) {
    auto log =
        Log::open(dir, TopicPartition{"topic", 0}, std::make_shared<LogConfig>(config_), options, clock_, scheduler_);
    EXPECT_TRUE(log.ok()) << log.status().detail;
    return log.ok() ? *log : nullptr;
  }

  // `batches` batches of 1 to 6 records; the last one under a new leader
  // epoch, so recovery must also forget that epoch when it drops the batch.
  WrittenLog write(int batches) {
    WrittenLog w;
    w.dir = dir_.path() / "original";
    auto log = open_log(w.dir, LogOpenOptions{});
    for (int i = 0; i < batches; ++i) {
      std::vector<std::uint8_t> batch = make_values_batch(1 + i % 6, "batch" + std::to_string(i), clock_.now_ms());
      std::vector<RecordError> errors;
      const std::int32_t epoch = i + 1 == batches ? 1 : 0;
      auto info = log->append_as_leader(batch, epoch, AppendOrigin::kClient, errors);
      EXPECT_TRUE(info.ok()) << info.status().detail;
      w.batch_first.push_back(info->first_offset);
      w.last_batch_size = batch.size();
    }
    w.end = log->log_end_offset();
    w.last_segment_base = log->segments().back()->base_offset();
    EXPECT_TRUE(log->close().ok());
    return w;
  }

  std::filesystem::path copy_of(const WrittenLog& w, const std::string& name) {
    const std::filesystem::path to = dir_.path() / name;
    std::filesystem::remove_all(to);
    std::filesystem::copy(w.dir, to, std::filesystem::copy_options::recursive);
    return to;
  }

  static std::filesystem::path last_segment_file(const std::filesystem::path& dir, const WrittenLog& w) {
    return dir / (offset_file_name(w.last_segment_base) + std::string(kLogSuffix));
  }

  // Opens the damaged copy as after a crash and checks it holds exactly the
  // first `kept` batches, readable and whole, then takes new appends.
  void expect_recovered(const std::filesystem::path& dir, const WrittenLog& w, std::size_t kept,
                        std::int64_t recovery_point) {
    LogOpenOptions options;
    options.had_clean_shutdown = false;
    options.recovery_point = recovery_point;
    auto log = open_log(dir, options);
    ASSERT_NE(log, nullptr);
    const std::int64_t end = kept == w.batch_first.size() ? w.end : w.batch_first[kept];
    EXPECT_EQ(log->log_end_offset(), end);
    EXPECT_EQ(log->high_watermark(), end);
    EXPECT_LE(log->recovery_point(), end);

    // Every byte left is whole batches with valid CRCs, offsets contiguous.
    std::uint64_t total = 0;
    std::int64_t next = 0;
    std::size_t batches = 0;
    for (const auto& segment : log->segments()) {
      std::vector<std::uint8_t> bytes = file_bytes(segment->log().path());
      EXPECT_EQ(bytes.size(), segment->size());
      total += bytes.size();
      protocol::EntryIterator it(bytes);
      while (auto entry = it.next()) {
        auto batch = protocol::RecordBatchView::parse(*entry);
        ASSERT_TRUE(batch.ok());
        EXPECT_TRUE(batch->crc_ok());
        EXPECT_EQ(batch->header().base_offset, next);
        next = batch->header().next_offset();
        ++batches;
      }
      EXPECT_TRUE(it.error().ok());
      EXPECT_EQ(it.remaining(), 0u) << "a partial batch is left in " << segment->log().path();
    }
    EXPECT_EQ(batches, kept);
    EXPECT_EQ(next, end);
    EXPECT_EQ(log->size_in_bytes(), total);

    // Reads see the kept records and nothing of the dropped batch.
    std::int64_t records = 0;
    for (std::int64_t offset = 0; offset < end;) {
      auto r = log->read(offset, 1 << 20, FetchIsolation::kLogEnd, true);
      ASSERT_TRUE(r.ok());
      auto read = records_in(r->records);
      ASSERT_FALSE(read.empty());
      for (const auto& rec : read) {
        if (rec.offset < offset) continue;
        EXPECT_EQ(rec.offset, offset);
        ++offset;
        ++records;
      }
    }
    EXPECT_EQ(records, end);
    auto at_end = log->read(end, 1 << 20, FetchIsolation::kLogEnd, true);
    ASSERT_TRUE(at_end.ok());
    EXPECT_TRUE(at_end->records.empty());
    EXPECT_EQ(log->read(end + 1, 1 << 20, FetchIsolation::kLogEnd, true).code(),
              protocol::ErrorCode::OFFSET_OUT_OF_RANGE);

    // The torn batch's leader epoch is gone with it.
    const auto latest = log->leader_epoch_cache().latest_epoch();
    ASSERT_TRUE(latest.has_value());
    EXPECT_EQ(*latest, kept == w.batch_first.size() ? 1 : 0);

    // Appends continue where the kept batches end.
    std::vector<std::uint8_t> batch = make_values_batch(2, "after", clock_.now_ms());
    std::vector<RecordError> errors;
    auto info = log->append_as_leader(batch, 2, AppendOrigin::kClient, errors);
    ASSERT_TRUE(info.ok()) << info.status().detail;
    EXPECT_EQ(info->first_offset, end);
    log->update_high_watermark(log->log_end_offset());
    auto after = log->read(end, 1 << 20, FetchIsolation::kHighWatermark, true);
    ASSERT_TRUE(after.ok());
    auto appended = records_in(after->records);
    ASSERT_EQ(appended.size(), 2u);
    EXPECT_EQ(appended[0].value, "after-v0");
    ASSERT_TRUE(log->close().ok());
  }

  LogConfig config_;
  TempDir dir_;
  ManualClock clock_;
  Scheduler scheduler_{1};
};

TEST_F(TornTailRecoveryTest, ACutAtEveryByteOfTheLastBatchDropsExactlyThatBatch) {
  constexpr int kBatches = 6;
  const WrittenLog w = write(kBatches);
  ASSERT_EQ(w.last_segment_base, 0);
  const std::uint64_t full = std::filesystem::file_size(last_segment_file(w.dir, w));
  for (std::uint64_t cut = 0; cut <= w.last_batch_size; ++cut) {
    SCOPED_TRACE("cut " + std::to_string(cut) + " of " + std::to_string(w.last_batch_size) + " bytes");
    const std::filesystem::path dir = copy_of(w, "cut");
    std::filesystem::resize_file(last_segment_file(dir, w), full - cut);
    expect_recovered(dir, w, cut == 0 ? kBatches : kBatches - 1, 0);
    if (HasFatalFailure()) return;
  }
}

TEST_F(TornTailRecoveryTest, ACutInTheLastOfManySegmentsPastTheRecoveryPoint) {
  // Segments before the recovery point were flushed: they are loaded as they
  // are; only the last one, holding the recovery point, is recovered.
  config_.segment_bytes = 1024;
  constexpr int kBatches = 40;
  const WrittenLog w = write(kBatches);
  ASSERT_GT(w.last_segment_base, 0);
  ASSERT_LT(w.batch_first.end()[-2], w.end);
  ASSERT_GE(w.batch_first.end()[-2], w.last_segment_base) << "the last segment should hold two batches";
  const std::uint64_t full = std::filesystem::file_size(last_segment_file(w.dir, w));
  for (std::uint64_t cut = 1; cut <= w.last_batch_size; ++cut) {
    SCOPED_TRACE("cut " + std::to_string(cut));
    const std::filesystem::path dir = copy_of(w, "cut");
    std::filesystem::resize_file(last_segment_file(dir, w), full - cut);
    expect_recovered(dir, w, kBatches - 1, w.last_segment_base);
    if (HasFatalFailure()) return;
  }
}

TEST_F(TornTailRecoveryTest, AZeroFilledTailOfEveryLengthDropsTheDamagedBatch) {
  // After a power loss a file can keep its length with the unwritten end read
  // back as zeros. Zeroing bytes that already were zero damages nothing.
  constexpr int kBatches = 6;
  const WrittenLog w = write(kBatches);
  const std::vector<std::uint8_t> original = file_bytes(last_segment_file(w.dir, w));
  for (std::uint64_t zeroed = 1; zeroed <= w.last_batch_size; ++zeroed) {
    SCOPED_TRACE("zeroed " + std::to_string(zeroed));
    const std::filesystem::path dir = copy_of(w, "zeroed");
    std::vector<std::uint8_t> bytes = original;
    bool changed = false;
    for (std::uint64_t i = bytes.size() - zeroed; i < bytes.size(); ++i) {
      changed = changed || bytes[i] != 0;
      bytes[i] = 0;
    }
    {
      std::ofstream out(last_segment_file(dir, w), std::ios::binary | std::ios::trunc);
      out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    }
    expect_recovered(dir, w, changed ? kBatches - 1 : kBatches, 0);
    if (HasFatalFailure()) return;
  }
}

TEST_F(TornTailRecoveryTest, AnIntactLogLosesNothingToRecovery) {
  // The control case: an intact log opened after an unclean shutdown keeps
  // every batch and the same bytes.
  const WrittenLog w = write(5);
  const std::filesystem::path dir = copy_of(w, "intact");
  const std::vector<std::uint8_t> before = file_bytes(last_segment_file(dir, w));
  expect_recovered(dir, w, 5, 0);
  const std::vector<std::uint8_t> after = file_bytes(last_segment_file(dir, w));
  ASSERT_GT(after.size(), before.size());
  EXPECT_TRUE(std::equal(before.begin(), before.end(), after.begin()));
}

}  // namespace
}  // namespace sluice::storage
