// The background cleaner, appends racing a round, and restarts after a
// swap cut short.
#include "storage/cleaner/log_cleaner.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "tests/storage/cleaner/cleaner_test_util.h"

namespace sluice::storage {
namespace {

using namespace std::chrono_literals;
using testutil::ReadRecord;

class LogCleanerTest : public testutil::LogFixture {
 protected:
  static std::map<std::string, ReadRecord> latest_per_key(const std::vector<ReadRecord>& records) {
    std::map<std::string, ReadRecord> latest;
    for (const auto& r : records) latest[*r.key] = r;
    return latest;
  }
  static int duplicates(const std::vector<ReadRecord>& records) {
    return static_cast<int>(records.size() - latest_per_key(records).size());
  }
  template <class Pred>
  static bool wait_for(Pred pred, std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!pred()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(5ms);
    }
    return true;
  }
};

TEST_F(LogCleanerTest, BackgroundThreadsCleanAndCanBePaused) {
  // Any dirt is worth cleaning: a round that lands mid-append leaves a
  // small dirty tail that the default ratio (0.5) would rightly skip.
  auto log_config = testutil::compact_config();
  log_config->min_cleanable_dirty_ratio = 0.0;
  auto log = open_log(log_config);
  append_cycle(*log, 300, 10);
  ASSERT_TRUE(log->roll().ok());
  LogCleanerConfig config;
  config.threads = 2;
  config.backoff_ms = 20;
  LogCleaner cleaner(
      config, [log] { return std::vector<std::shared_ptr<Log>>{log}; }, clock_);
  cleaner.pause();
  cleaner.startup();
  std::this_thread::sleep_for(150ms);
  EXPECT_EQ(cleaner.rounds_completed(), 0);
  EXPECT_GT(duplicates(read_all(*log).records), 0);

  cleaner.resume();
  ASSERT_TRUE(wait_for([&] { return cleaner.rounds_completed() >= 1; }));
  EXPECT_EQ(duplicates(read_all(*log).records), 0);

  // New dirt is picked up after the backoff, without a wake-up (rounds
  // may run while the appends go on; the last one leaves no duplicates).
  append_cycle(*log, 300, 10);
  ASSERT_TRUE(log->roll().ok());
  // The swap of a round's segments comes just before its count.
  EXPECT_TRUE(wait_for([&] { return duplicates(read_all(*log).records) == 0 && cleaner.rounds_completed() >= 2; }));
  cleaner.shutdown();
  EXPECT_TRUE(std::filesystem::exists(tmp_.path() / "cleaner-offset-checkpoint"));
}

TEST_F(LogCleanerTest, AppendsProceedWhileARoundIsUnderWay) {
  auto log = open_log(testutil::compact_config());
  append_cycle(*log, 400, 10);
  const std::int64_t start_leo = log->log_end_offset();

  // The round stops at its first check until another thread has appended
  // 50 batches: an append that waited for the round would deadlock here.
  std::mutex m;
  std::condition_variable cv;
  int appended = 0;
  bool go = false;
  std::thread appender([&] {
    {
      std::unique_lock lock(m);
      cv.wait(lock, [&] { return go; });
    }
    for (int i = 0; i < 50; ++i) {
      append(*log, {{"late" + std::to_string(i % 5), "x" + std::to_string(i)}});
      std::lock_guard lock(m);
      ++appended;
      cv.notify_all();
    }
  });
  bool waited = false;
  bool all_appended = false;
  Cleaner cleaner(CleanerOptions{}, clock_);
  const std::int64_t first_uncleanable = log->segments().back()->base_offset();
  auto result = cleaner.clean(*log, 0, first_uncleanable, [&] {
    if (!waited) {
      waited = true;
      std::unique_lock lock(m);
      go = true;
      cv.notify_all();
      all_appended = cv.wait_for(lock, 20s, [&] { return appended == 50; });
    }
    return false;
  });
  appender.join();
  ASSERT_TRUE(all_appended);
  ASSERT_TRUE(result.ok()) << result.status().detail;
  ASSERT_TRUE(result->has_value());
  EXPECT_EQ(log->log_end_offset(), start_leo + 50);
  const auto records = read_all(*log).records;
  int late = 0;
  for (const auto& r : records) {
    if (r.offset >= start_leo) {
      EXPECT_EQ(r.key, "late" + std::to_string((r.offset - start_leo) % 5));
      ++late;
    }
  }
  EXPECT_EQ(late, 50);
}

TEST_F(LogCleanerTest, CleanOnceRacingAnAppenderKeepsEveryAppend) {
  auto log = open_log(testutil::compact_config());
  append_cycle(*log, 600, 10);
  LogCleaner cleaner(
      LogCleanerConfig{}, [log] { return std::vector<std::shared_ptr<Log>>{log}; }, clock_);
  std::atomic<bool> stop{false};
  std::atomic<int> appended{0};
  const std::int64_t start_leo = log->log_end_offset();
  std::thread appender([&] {
    // Paced, so the log does not grow to thousands of segments meanwhile.
    while (!stop && appended < 3000) {
      append(*log, {{"key" + std::to_string(appended % 10), "racing"}});
      ++appended;
      std::this_thread::sleep_for(50us);
    }
  });
  std::vector<protocol::Status> failures;
  int cleaned = 0;
  for (int i = 0; i < 3; ++i) {
    auto round = cleaner.clean_once();
    if (!round.ok()) failures.push_back(round.status());
    if (round.ok() && round->has_value()) ++cleaned;
  }
  stop = true;
  appender.join();
  for (const auto& f : failures) ADD_FAILURE() << f.detail;
  EXPECT_GE(cleaned, 1);
  EXPECT_GT(appended.load(), 0);
  EXPECT_EQ(log->log_end_offset(), start_leo + appended.load());
  const auto records = read_all(*log).records;
  // Offsets strictly increase, and every key ends on its last append.
  for (std::size_t i = 1; i < records.size(); ++i) ASSERT_LT(records[i - 1].offset, records[i].offset);
  std::map<std::string, std::int64_t> last_offset;
  for (int i = 0; i < appended.load(); ++i) last_offset["key" + std::to_string(i % 10)] = start_leo + i;
  const auto latest = latest_per_key(records);
  for (const auto& [key, offset] : last_offset) EXPECT_EQ(latest.at(key).offset, offset) << key;
}

TEST_F(LogCleanerTest, AbortStopsARoundAndPausesTheLog) {
  auto log = open_log(testutil::compact_config());
  append_cycle(*log, 300, 10);
  ASSERT_TRUE(log->roll().ok());
  const auto before = read_all(*log).records;
  LogCleaner cleaner(
      LogCleanerConfig{}, [log] { return std::vector<std::shared_ptr<Log>>{log}; }, clock_);
  auto ltc = cleaner.manager().grab_filthiest_compacted_log();
  ASSERT_TRUE(ltc);
  EXPECT_TRUE(cleaner.manager().in_progress(log->topic_partition()));
  std::thread aborter([&] { cleaner.abort_and_pause_cleaning(log->topic_partition()); });
  ASSERT_TRUE(wait_for([&] { return cleaner.manager().cleaning_aborted(log->topic_partition()); }));
  Cleaner c(CleanerOptions{}, clock_);
  auto result = c.clean(*log, ltc->first_dirty_offset, ltc->first_uncleanable_offset,
                        [&] { return cleaner.manager().cleaning_aborted(log->topic_partition()); });
  ASSERT_TRUE(result.ok());
  EXPECT_FALSE(result->has_value());
  cleaner.manager().cleaning_stopped(*log, {});
  aborter.join();
  EXPECT_TRUE(cleaner.manager().is_paused(log->topic_partition()));
  EXPECT_EQ(read_all(*log).records, before);
  EXPECT_FALSE(std::filesystem::exists(tmp_.path() / "cleaner-offset-checkpoint"));
  auto none = cleaner.clean_once();
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  cleaner.resume_cleaning(log->topic_partition());
  auto cleaned = cleaner.clean_once();
  ASSERT_TRUE(cleaned.ok() && cleaned->has_value());
}

// A cleaned log is brought back to the moment a crash could leave it in
// during Log::replace_segments, then reopened.
class SwapCrashTest : public LogCleanerTest {
 protected:
  struct Cleaned {
    std::shared_ptr<const LogConfig> config;
    std::vector<ReadRecord> original;
    std::vector<ReadRecord> cleaned;
    std::int64_t log_end_offset = 0;
    std::filesystem::path dir;
  };

  Cleaned clean_and_close() {
    Cleaned c;
    c.config = testutil::compact_config();
    auto log = open_log(c.config);
    append_cycle(*log, 300, 10);
    EXPECT_TRUE(log->roll().ok());
    c.original = read_all(*log).records;
    LogCleaner cleaner(
        LogCleanerConfig{}, [log] { return std::vector<std::shared_ptr<Log>>{log}; }, clock_);
    auto round = cleaner.clean_once();
    EXPECT_TRUE(round.ok() && round->has_value());
    c.cleaned = read_all(*log).records;
    c.log_end_offset = log->log_end_offset();
    c.dir = log->dir();
    EXPECT_TRUE(log->close().ok());
    return c;
  }

  // The bases of the cleaned segments: those whose old segment is still
  // there as ".deleted" (file.delete.delay.ms has not passed).
  static std::vector<std::string> cleaned_bases(const std::filesystem::path& dir) {
    std::vector<std::string> bases;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      const std::string name = e.path().filename().string();
      if (!name.ends_with(".log.deleted")) continue;
      const std::string base = name.substr(0, 20);
      if (std::filesystem::exists(dir / (base + ".log"))) bases.push_back(base);
    }
    return bases;
  }

  static void rename_all(const std::filesystem::path& dir, const std::string& from_suffix, const std::string& to_suffix,
                         const std::string& only_base = {}) {
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      const std::string name = e.path().filename().string();
      if (!only_base.empty() && !name.starts_with(only_base)) continue;
      for (const char* ext : {".log", ".index", ".timeindex"}) {
        if (name.size() == 20 + std::string(ext).size() + from_suffix.size() &&
            name.ends_with(std::string(ext) + from_suffix)) {
          std::filesystem::rename(e.path(), dir / (name.substr(0, 20) + ext + to_suffix));
        }
      }
    }
  }

  // Consistent: offsets increase, each record is the one originally at its
  // offset, and every key still ends on its latest value.
  void expect_consistent(const std::vector<ReadRecord>& records, const std::vector<ReadRecord>& original) {
    std::map<std::int64_t, ReadRecord> by_offset;
    for (const auto& r : original) by_offset[r.offset] = r;
    for (std::size_t i = 0; i < records.size(); ++i) {
      if (i > 0) {
        EXPECT_LT(records[i - 1].offset, records[i].offset);
      }
      EXPECT_EQ(records[i], by_offset.at(records[i].offset));
    }
    EXPECT_EQ(latest_per_key(records), latest_per_key(original));
  }
};

TEST_F(SwapCrashTest, OldSegmentsDeletedButSwapNotRenamed) {
  const Cleaned c = clean_and_close();
  const auto bases = cleaned_bases(c.dir);
  ASSERT_FALSE(bases.empty());
  // The crash: cleaned files still ".swap", the old ones already ".deleted".
  for (const auto& base : bases) rename_all(c.dir, "", ".swap", base);

  auto log = open_log(c.config);
  ASSERT_TRUE(log);
  EXPECT_EQ(log->log_end_offset(), c.log_end_offset);
  EXPECT_EQ(read_all(*log).records, c.cleaned);
  for (const auto& e : std::filesystem::directory_iterator(c.dir)) {
    const std::string name = e.path().filename().string();
    EXPECT_FALSE(name.ends_with(".swap") || name.ends_with(".deleted") || name.ends_with(".cleaned")) << name;
  }
  EXPECT_EQ(append(*log, {{"after", "restart"}}), c.log_end_offset);
}

TEST_F(SwapCrashTest, SwapWrittenButOldSegmentsNotYetDeleted) {
  const Cleaned c = clean_and_close();
  const auto bases = cleaned_bases(c.dir);
  ASSERT_FALSE(bases.empty());
  // The crash: cleaned files ".swap", the old ones still under their names.
  for (const auto& base : bases) rename_all(c.dir, "", ".swap", base);
  rename_all(c.dir, ".deleted", "");

  auto log = open_log(c.config);
  ASSERT_TRUE(log);
  EXPECT_EQ(log->log_end_offset(), c.log_end_offset);
  const auto records = read_all(*log).records;
  expect_consistent(records, c.original);
  EXPECT_EQ(append(*log, {{"after", "restart"}}), c.log_end_offset);
}

TEST_F(SwapCrashTest, CleanedFilesOfAnUnfinishedRoundAreDropped) {
  const Cleaned c = clean_and_close();
  // The crash: a round was still writing its ".cleaned" segment.
  std::filesystem::copy_file(c.dir / "00000000000000000000.log", c.dir / "00000000000000000000.log.cleaned");
  auto log = open_log(c.config);
  ASSERT_TRUE(log);
  EXPECT_EQ(read_all(*log).records, c.cleaned);
  EXPECT_FALSE(std::filesystem::exists(c.dir / "00000000000000000000.log.cleaned"));
}

}  // namespace
}  // namespace sluice::storage
