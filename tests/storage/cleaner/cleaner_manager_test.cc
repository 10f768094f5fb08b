// Choosing what to clean: dirty ratio, compaction lags, checkpoints, pauses.
#include "storage/cleaner/cleaner_manager.h"

#include <gtest/gtest.h>

#include <map>

#include "storage/cleaner/log_cleaner.h"
#include "tests/storage/cleaner/cleaner_test_util.h"

namespace sluice::storage {
namespace {

using testutil::ReadRecord;

class CleanerManagerTest : public testutil::LogFixture {
 protected:
  LogCleaner make_cleaner(std::vector<std::shared_ptr<Log>> logs) {
    return LogCleaner(
        LogCleanerConfig{}, [logs] { return logs; }, clock_);
  }
  static int duplicates(const std::vector<ReadRecord>& records) {
    std::map<std::string, int> n;
    for (const auto& r : records) ++n[*r.key];
    return static_cast<int>(records.size() - n.size());
  }
};

TEST_F(CleanerManagerTest, ALogBelowTheDirtyRatioIsNotCleaned) {
  auto log = open_log(testutil::compact_config());  // min.cleanable.dirty.ratio 0.5
  append_cycle(*log, 300, 30);
  ASSERT_TRUE(log->roll().ok());
  LogCleaner cleaner = make_cleaner({log});
  auto first = cleaner.clean_once();
  ASSERT_TRUE(first.ok() && first->has_value());

  // A little new dirt: a ratio well below 0.5.
  append_cycle(*log, 5, 30);
  ASSERT_TRUE(log->roll().ok());
  auto ltc = cleaner.manager().inspect(log);
  ASSERT_TRUE(ltc);
  EXPECT_GT(ltc->cleanable_ratio(), 0.0);
  EXPECT_LT(ltc->cleanable_ratio(), 0.5);
  EXPECT_FALSE(ltc->need_compaction_now());
  const auto segments = log->segments();
  auto skipped = cleaner.clean_once();
  ASSERT_TRUE(skipped.ok());
  EXPECT_FALSE(skipped->has_value());
  EXPECT_EQ(log->segments(), segments);
  EXPECT_GT(duplicates(read_all(*log).records), 0);

  // Enough dirt: cleaned.
  append_cycle(*log, 300, 30);
  ASSERT_TRUE(log->roll().ok());
  ltc = cleaner.manager().inspect(log);
  ASSERT_TRUE(ltc);
  EXPECT_GT(ltc->cleanable_ratio(), 0.5);
  auto cleaned = cleaner.clean_once();
  ASSERT_TRUE(cleaned.ok() && cleaned->has_value());
  EXPECT_EQ(duplicates(read_all(*log).records), 0);
}

TEST_F(CleanerManagerTest, TheDirtiestLogGoesFirstAndDeleteOnlyLogsNever) {
  auto a = open_log(testutil::compact_config(), "a");
  auto b = open_log(testutil::compact_config(), "b");
  auto plain_config = testutil::compact_config();
  plain_config->cleanup_policy = CleanupPolicy::kDelete;
  auto c = open_log(plain_config, "c");
  // a: cleaned, then a little dirt (ratio ~0.6); b: all dirty (ratio 1).
  append_cycle(*a, 200, 5);
  ASSERT_TRUE(a->roll().ok());
  LogCleaner only_a = make_cleaner({a});
  ASSERT_TRUE(only_a.clean_once().ok());
  append_cycle(*a, 20, 5);
  ASSERT_TRUE(a->roll().ok());
  append_cycle(*b, 200, 5);
  ASSERT_TRUE(b->roll().ok());
  append_cycle(*c, 200, 5);
  ASSERT_TRUE(c->roll().ok());

  LogCleaner cleaner = make_cleaner({a, b, c});
  EXPECT_FALSE(cleaner.manager().inspect(c).has_value());
  auto ra = cleaner.manager().inspect(a);
  auto rb = cleaner.manager().inspect(b);
  ASSERT_TRUE(ra && rb);
  ASSERT_GT(ra->cleanable_ratio(), 0.5);
  ASSERT_LT(ra->cleanable_ratio(), rb->cleanable_ratio());
  auto first = cleaner.clean_once();
  ASSERT_TRUE(first.ok() && first->has_value());
  EXPECT_EQ((*first)->topic_partition.topic, "b");
  auto second = cleaner.clean_once();
  ASSERT_TRUE(second.ok() && second->has_value());
  EXPECT_EQ((*second)->topic_partition.topic, "a");
  auto third = cleaner.clean_once();
  ASSERT_TRUE(third.ok());
  EXPECT_FALSE(third->has_value());
  EXPECT_EQ(duplicates(read_all(*c).records), 195);
}

TEST_F(CleanerManagerTest, MaxCompactionLagForcesCleaningWhateverTheRatio) {
  auto config = testutil::compact_config();
  config->min_cleanable_dirty_ratio = 0.99;
  config->max_compaction_lag_ms = 60'000;
  auto log = open_log(config);
  append_cycle(*log, 300, 30);
  ASSERT_TRUE(log->roll().ok());
  LogCleaner cleaner = make_cleaner({log});
  ASSERT_TRUE(cleaner.clean_once().ok());

  append_cycle(*log, 5, 30);
  ASSERT_TRUE(log->roll().ok());
  auto skipped = cleaner.clean_once();
  ASSERT_TRUE(skipped.ok());
  EXPECT_FALSE(skipped->has_value());

  clock_.advance(60'001);
  auto ltc = cleaner.manager().inspect(log);
  ASSERT_TRUE(ltc);
  EXPECT_TRUE(ltc->need_compaction_now());
  EXPECT_EQ(ltc->max_compaction_delay_ms, 1);
  EXPECT_LT(ltc->cleanable_ratio(), 0.99);
  auto forced = cleaner.clean_once();
  ASSERT_TRUE(forced.ok() && forced->has_value());
  EXPECT_EQ(duplicates(read_all(*log).records), 0);
}

TEST_F(CleanerManagerTest, RecordsNewerThanMinCompactionLagAreNotCleaned) {
  auto config = testutil::compact_config();
  config->min_compaction_lag_ms = 60'000;
  auto log = open_log(config);
  append_cycle(*log, 150, 10);
  clock_.advance(120'000);
  append_cycle(*log, 150, 10, "new");
  const auto before = read_all(*log).records;

  const std::int64_t now = clock_.now_ms();
  std::int64_t expected = -1;
  for (const auto& s : log->segments()) {
    if (s->largest_timestamp() > now - 60'000) {
      expected = s->base_offset();
      break;
    }
  }
  ASSERT_GT(expected, 0);
  ASSERT_LT(expected, log->segments().back()->base_offset());
  EXPECT_EQ(cleanable_offsets(*log, std::nullopt, now).first_uncleanable_offset, expected);

  LogCleaner cleaner = make_cleaner({log});
  auto cleaned = cleaner.clean_once();
  ASSERT_TRUE(cleaned.ok() && cleaned->has_value());
  EXPECT_EQ((*cleaned)->result.end_offset, expected);
  std::vector<ReadRecord> young_before, young_after, old_after;
  for (const auto& r : before) {
    if (r.offset >= expected) young_before.push_back(r);
  }
  for (const auto& r : read_all(*log).records) (r.offset >= expected ? young_after : old_after).push_back(r);
  EXPECT_EQ(young_after, young_before);
  EXPECT_GT(duplicates(young_after), 0);
  EXPECT_EQ(duplicates(old_after), 0);
}

TEST_F(CleanerManagerTest, CheckpointIsWrittenInKafkasFormatAndReadBack) {
  auto p0 = open_log(testutil::compact_config(), "orders", 0);
  auto p1 = open_log(testutil::compact_config(), "orders", 1);
  append_cycle(*p0, 100, 5);
  ASSERT_TRUE(p0->roll().ok());
  append_cycle(*p1, 150, 5);
  ASSERT_TRUE(p1->roll().ok());
  {
    LogCleaner cleaner = make_cleaner({p0, p1});
    ASSERT_TRUE(cleaner.clean_once().ok());
    ASSERT_TRUE(cleaner.clean_once().ok());
  }
  const std::string text = testutil::read_all(tmp_.path() / "cleaner-offset-checkpoint");
  EXPECT_EQ(text, "0\n2\norders 0 100\norders 1 150\n");

  // A new manager (a restart) picks up where the checkpoint says.
  LogCleaner restarted = make_cleaner({p0, p1});
  auto all = restarted.manager().all_cleaner_checkpoints();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(*all, (std::map<TopicPartition, std::int64_t>{{{"orders", 0}, 100}, {{"orders", 1}, 150}}));
  auto ltc = restarted.manager().inspect(p0);
  ASSERT_TRUE(ltc);
  EXPECT_EQ(ltc->first_dirty_offset, 100);
  EXPECT_EQ(ltc->cleanable_bytes, 0u);
  auto nothing = restarted.clean_once();
  ASSERT_TRUE(nothing.ok());
  EXPECT_FALSE(nothing->has_value());

  // Logs that are gone drop out of the file at the next update.
  LogCleaner only_p1 = make_cleaner({p1});
  ASSERT_TRUE(only_p1.manager().update_checkpoint(tmp_.path(), {"orders", 1}, 151).ok());
  EXPECT_EQ(testutil::read_all(tmp_.path() / "cleaner-offset-checkpoint"), "0\n1\norders 1 151\n");
}

TEST_F(CleanerManagerTest, CleaningStartsAtTheLogStartWhenTheCheckpointIsOutOfRange) {
  auto log = open_log(testutil::compact_config());
  append_cycle(*log, 200, 5);
  ASSERT_TRUE(log->roll().ok());
  ASSERT_TRUE(log->delete_records_before(120).ok());
  // Retention drops the segments wholly below the new log start.
  ASSERT_TRUE(log->delete_old_segments().ok());
  const std::int64_t now = clock_.now_ms();
  const auto below = cleanable_offsets(*log, 50, now);
  EXPECT_EQ(below.first_dirty_offset, 120);
  EXPECT_TRUE(below.force_checkpoint_update);
  const auto past = cleanable_offsets(*log, 10'000, now);
  EXPECT_EQ(past.first_dirty_offset, 120);
  EXPECT_TRUE(past.force_checkpoint_update);
  const auto fine = cleanable_offsets(*log, 150, now);
  EXPECT_EQ(fine.first_dirty_offset, 150);
  EXPECT_FALSE(fine.force_checkpoint_update);
  EXPECT_EQ(cleanable_offsets(*log, std::nullopt, now).first_dirty_offset, 120);

  LogCleaner cleaner = make_cleaner({log});
  ASSERT_TRUE(cleaner.manager().update_checkpoint(tmp_.path(), log->topic_partition(), 50).ok());
  auto round = cleaner.clean_once();
  ASSERT_TRUE(round.ok() && round->has_value());
  EXPECT_EQ((*round)->result.first_dirty_offset, 120);
}

TEST_F(CleanerManagerTest, PausedPartitionsWaitForResume) {
  auto log = open_log(testutil::compact_config());
  append_cycle(*log, 200, 5);
  ASSERT_TRUE(log->roll().ok());
  LogCleaner cleaner = make_cleaner({log});
  cleaner.abort_and_pause_cleaning(log->topic_partition());
  cleaner.abort_and_pause_cleaning(log->topic_partition());
  EXPECT_TRUE(cleaner.manager().is_paused(log->topic_partition()));
  auto paused = cleaner.clean_once();
  ASSERT_TRUE(paused.ok());
  EXPECT_FALSE(paused->has_value());
  cleaner.resume_cleaning(log->topic_partition());
  EXPECT_TRUE(cleaner.manager().is_paused(log->topic_partition()));  // paused twice, resumed once
  cleaner.resume_cleaning(log->topic_partition());
  EXPECT_FALSE(cleaner.manager().is_paused(log->topic_partition()));
  auto resumed = cleaner.clean_once();
  ASSERT_TRUE(resumed.ok());
  EXPECT_TRUE(resumed->has_value());
}

}  // namespace
}  // namespace sluice::storage
