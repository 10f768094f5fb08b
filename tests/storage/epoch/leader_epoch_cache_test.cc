// Kafka's LeaderEpochFileCacheTest cases, plus the checkpoint file contents.
#include "storage/epoch/leader_epoch_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "tests/storage/checkpoint/temp_dir.h"

namespace sluice::storage {
namespace {

using protocol::ErrorCode;
using testutil::read_all;
using testutil::TempDir;
using testutil::write_all;
using Entries = std::vector<EpochEntry>;

constexpr EpochEndOffset kUndefined{kUndefinedEpoch, kUndefinedEpochOffset};

class LeaderEpochCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = LeaderEpochCache::open(LeaderEpochCheckpointFile::in_dir(dir_.path()));
    ASSERT_TRUE(opened.ok()) << opened.status().detail;
    cache_ = std::move(*opened);
  }
  void assign(std::int32_t epoch, std::int64_t start) { ASSERT_TRUE(cache_->assign(epoch, start).ok()); }
  std::string checkpoint_text() const { return read_all(dir_ / "leader-epoch-checkpoint"); }

  TempDir dir_;
  std::unique_ptr<LeaderEpochCache> cache_;
};

TEST_F(LeaderEpochCacheTest, PreviousEpoch) {
  EXPECT_EQ(cache_->previous_epoch(), std::nullopt);
  assign(2, 10);
  EXPECT_EQ(cache_->previous_epoch(), std::nullopt);
  assign(4, 15);
  EXPECT_EQ(cache_->previous_epoch(), 2);
  assign(10, 20);
  EXPECT_EQ(cache_->previous_epoch(), 4);
  ASSERT_TRUE(cache_->truncate_from_end(18).ok());
  EXPECT_EQ(cache_->previous_epoch(), 2);
}

TEST_F(LeaderEpochCacheTest, AddsEpochAndPersistsIt) {
  assign(2, 10);
  EXPECT_EQ(cache_->latest_epoch(), 2);
  EXPECT_EQ(cache_->entries(), (Entries{{2, 10}}));
  EXPECT_EQ(cache_->end_offset_for(2, 11), (EpochEndOffset{2, 11}));
  EXPECT_EQ(checkpoint_text(), "0\n1\n2 10\n");
  EXPECT_FALSE(std::filesystem::exists(dir_ / "leader-epoch-checkpoint.tmp"));
}

TEST_F(LeaderEpochCacheTest, ReturnsLogEndOffsetIfLatestEpochRequested) {
  assign(2, 11);
  assign(2, 12);
  EXPECT_EQ(cache_->end_offset_for(2, 14), (EpochEndOffset{2, 14}));
}

TEST_F(LeaderEpochCacheTest, UndefinedEpochRequestedGivesUndefined) {
  assign(2, 11);
  assign(3, 12);
  EXPECT_EQ(cache_->end_offset_for(kUndefinedEpoch, 0), kUndefined);
}

TEST_F(LeaderEpochCacheTest, EpochStartOffsetIsNeverMovedUp) {
  assign(2, 9);
  assign(2, 10);
  EXPECT_EQ(cache_->entries(), (Entries{{2, 9}}));
  assign(2, 6);  // an earlier start for the latest epoch replaces it
  EXPECT_EQ(cache_->entries(), (Entries{{2, 6}}));
}

TEST_F(LeaderEpochCacheTest, EnforcesMonotonicallyIncreasingStartOffsets) {
  assign(2, 9);
  assign(3, 9);
  EXPECT_EQ(cache_->entries(), (Entries{{3, 9}}));
}

TEST_F(LeaderEpochCacheTest, EmptyCacheAnswersUndefined) {
  EXPECT_EQ(cache_->end_offset_for(0, 0), kUndefined);
  EXPECT_EQ(cache_->end_offset_for(kUndefinedEpoch, 73), kUndefined);
  EXPECT_EQ(cache_->end_offset_for(7, 0), kUndefined);
  EXPECT_EQ(cache_->latest_epoch(), std::nullopt);
  EXPECT_EQ(cache_->earliest_entry(), std::nullopt);
  EXPECT_TRUE(cache_->empty());
}

TEST_F(LeaderEpochCacheTest, RequestedEpochBelowTheFirstGetsTheFirstStartOffset) {
  assign(5, 11);
  assign(6, 12);
  assign(7, 13);
  EXPECT_EQ(cache_->end_offset_for(4, 0), (EpochEndOffset{4, 11}));
  EXPECT_EQ(cache_->earliest_entry(), (EpochEntry{5, 11}));
}

TEST_F(LeaderEpochCacheTest, TruncatesIfMatchingEpochButEarlierStartingOffset) {
  assign(5, 11);
  assign(6, 12);
  assign(7, 13);
  assign(7, 12);
  EXPECT_EQ(cache_->end_offset_for(5, 0), (EpochEndOffset{5, 12}));
  EXPECT_EQ(cache_->end_offset_for(6, 0), (EpochEndOffset{5, 12}));
  EXPECT_EQ(cache_->entries(), (Entries{{5, 11}, {7, 12}}));
}

TEST_F(LeaderEpochCacheTest, PreviousEpochEndsWhereTheNextStarts) {
  assign(1, 11);
  assign(1, 12);
  assign(2, 13);
  assign(2, 14);
  assign(3, 15);
  assign(3, 16);
  EXPECT_EQ(cache_->end_offset_for(2, 17), (EpochEndOffset{2, 15}));
}

TEST_F(LeaderEpochCacheTest, EpochBetweenEntriesAnswersTheEpochBelow) {
  assign(0, 10);
  assign(2, 13);
  assign(4, 17);
  EXPECT_EQ(cache_->end_offset_for(1, 0), (EpochEndOffset{0, 13}));
  EXPECT_EQ(cache_->end_offset_for(2, 0), (EpochEndOffset{2, 17}));
  EXPECT_EQ(cache_->end_offset_for(3, 0), (EpochEndOffset{2, 17}));
}

TEST_F(LeaderEpochCacheTest, EpochAboveEveryKnownEpochIsUndefined) {
  assign(2, 100);
  EXPECT_EQ(cache_->end_offset_for(3, 100), kUndefined);
}

TEST_F(LeaderEpochCacheTest, NoChangeMeansNoRewrite) {
  assign(2, 6);
  assign(2, 7);
  EXPECT_EQ(cache_->entries(), (Entries{{2, 6}}));
  std::filesystem::remove(dir_ / "leader-epoch-checkpoint");
  assign(2, 8);  // nothing to change: the file is not rewritten
  EXPECT_FALSE(std::filesystem::exists(dir_ / "leader-epoch-checkpoint"));
}

TEST_F(LeaderEpochCacheTest, PersistsBetweenInstances) {
  assign(2, 6);
  assign(5, 20);
  auto reopened = LeaderEpochCache::open(dir_ / "leader-epoch-checkpoint");
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*reopened)->entries(), (Entries{{2, 6}, {5, 20}}));
  EXPECT_EQ(checkpoint_text(), "0\n2\n2 6\n5 20\n");
}

TEST_F(LeaderEpochCacheTest, EnforcesMonotonicallyIncreasingEpochs) {
  assign(1, 5);
  assign(2, 6);
  assign(1, 7);
  EXPECT_EQ(cache_->latest_epoch(), 1);
  EXPECT_EQ(cache_->end_offset_for(1, 8), (EpochEndOffset{1, 8}));
  EXPECT_EQ(cache_->end_offset_for(2, 8), kUndefined);
  EXPECT_EQ(cache_->entries(), (Entries{{1, 7}}));
}

TEST_F(LeaderEpochCacheTest, EnforcesOffsetsIncreaseMonotonically) {
  assign(2, 6);
  assign(3, 5);
  EXPECT_EQ(cache_->entries(), (Entries{{3, 5}}));
}

TEST_F(LeaderEpochCacheTest, TracksEpochsAsLeadersChange) {
  assign(0, 0);
  assign(1, 0);
  EXPECT_EQ(cache_->latest_epoch(), 1);
  EXPECT_EQ(cache_->end_offset_for(1, 0), (EpochEndOffset{1, 0}));
  EXPECT_EQ(cache_->end_offset_for(0, 0), (EpochEndOffset{0, 0}));
  EXPECT_EQ(cache_->end_offset_for(1, 5), (EpochEndOffset{1, 5}));
  EXPECT_EQ(cache_->end_offset_for(0, 5), (EpochEndOffset{0, 0}));
  assign(2, 5);
  EXPECT_EQ(cache_->end_offset_for(2, 10), (EpochEndOffset{2, 10}));
  EXPECT_EQ(cache_->end_offset_for(1, 10), (EpochEndOffset{1, 5}));
  EXPECT_EQ(cache_->end_offset_for(0, 10), (EpochEndOffset{0, 0}));
}

TEST_F(LeaderEpochCacheTest, TracksEpochsAsFollowerReceivesMessages) {
  for (int offset = 0; offset < 3; ++offset) assign(0, offset);
  EXPECT_EQ(cache_->end_offset_for(0, 3), (EpochEndOffset{0, 3}));
  for (int offset = 3; offset < 6; ++offset) assign(1, offset);
  EXPECT_EQ(cache_->end_offset_for(1, 6), (EpochEndOffset{1, 6}));
  for (int offset = 6; offset < 9; ++offset) assign(2, offset);
  EXPECT_EQ(cache_->latest_epoch(), 2);
  EXPECT_EQ(cache_->end_offset_for(2, 9), (EpochEndOffset{2, 9}));
  EXPECT_EQ(cache_->end_offset_for(0, 9), (EpochEndOffset{0, 3}));
  EXPECT_EQ(cache_->end_offset_for(1, 9), (EpochEndOffset{1, 6}));
}

TEST_F(LeaderEpochCacheTest, TruncateFromEndDropsEntriesOnTheBoundary) {
  assign(2, 6);
  assign(3, 8);
  assign(4, 11);
  ASSERT_TRUE(cache_->truncate_from_end(8).ok());
  EXPECT_EQ(cache_->entries(), (Entries{{2, 6}}));
  EXPECT_EQ(checkpoint_text(), "0\n1\n2 6\n");
}

TEST_F(LeaderEpochCacheTest, TruncateFromEndBetweenBoundaries) {
  assign(2, 6);
  assign(3, 8);
  assign(4, 11);
  ASSERT_TRUE(cache_->truncate_from_end(9).ok());
  EXPECT_EQ(cache_->latest_epoch(), 3);
  EXPECT_EQ(cache_->entries(), (Entries{{2, 6}, {3, 8}}));
}

TEST_F(LeaderEpochCacheTest, TruncateFromStartKeepsAnEntryAtTheOffset) {
  assign(2, 6);
  assign(3, 8);
  assign(4, 11);
  ASSERT_TRUE(cache_->truncate_from_start(8).ok());
  EXPECT_EQ(cache_->entries(), (Entries{{3, 8}, {4, 11}}));
  EXPECT_EQ(checkpoint_text(), "0\n2\n3 8\n4 11\n");
}

TEST_F(LeaderEpochCacheTest, TruncateFromStartBeforeTheFirstChangesNothing) {
  assign(2, 6);
  assign(3, 8);
  assign(4, 11);
  ASSERT_TRUE(cache_->truncate_from_start(1).ok());
  EXPECT_EQ(cache_->entries(), (Entries{{2, 6}, {3, 8}, {4, 11}}));
  ASSERT_TRUE(cache_->truncate_from_start(6).ok());
  EXPECT_EQ(cache_->entries(), (Entries{{2, 6}, {3, 8}, {4, 11}}));
}

TEST_F(LeaderEpochCacheTest, TruncateFromStartMovesTheFirstEntryUp) {
  assign(2, 6);
  assign(3, 8);
  assign(4, 11);
  ASSERT_TRUE(cache_->truncate_from_start(9).ok());
  EXPECT_EQ(cache_->entries(), (Entries{{3, 9}, {4, 11}}));
}

TEST_F(LeaderEpochCacheTest, TruncateFromStartBetweenTheFirstTwo) {
  assign(0, 0);
  assign(1, 7);
  assign(2, 10);
  ASSERT_TRUE(cache_->truncate_from_start(5).ok());
  EXPECT_EQ(cache_->entries(), (Entries{{0, 5}, {1, 7}, {2, 10}}));
}

TEST_F(LeaderEpochCacheTest, TruncateFromStartRetainsTheLatestEpoch) {
  assign(2, 6);
  assign(3, 8);
  assign(4, 11);
  ASSERT_TRUE(cache_->truncate_from_start(11).ok());
  EXPECT_EQ(cache_->entries(), (Entries{{4, 11}}));
  ASSERT_TRUE(cache_->truncate_from_start(15).ok());
  EXPECT_EQ(cache_->entries(), (Entries{{4, 15}}));
}

TEST_F(LeaderEpochCacheTest, UndefinedOffsetTruncatesNothing) {
  assign(2, 6);
  assign(3, 8);
  assign(4, 11);
  ASSERT_TRUE(cache_->truncate_from_start(kUndefinedEpochOffset).ok());
  ASSERT_TRUE(cache_->truncate_from_end(kUndefinedEpochOffset).ok());
  EXPECT_EQ(cache_->entries().size(), 3u);
}

TEST_F(LeaderEpochCacheTest, TruncationsOnAnEmptyCacheAreHarmless) {
  EXPECT_TRUE(cache_->truncate_from_start(7).ok());
  EXPECT_TRUE(cache_->truncate_from_end(7).ok());
  EXPECT_TRUE(cache_->empty());
}

TEST_F(LeaderEpochCacheTest, ClearPersistsAnEmptyCheckpoint) {
  assign(2, 6);
  assign(3, 8);
  ASSERT_TRUE(cache_->clear().ok());
  EXPECT_TRUE(cache_->entries().empty());
  EXPECT_EQ(checkpoint_text(), "0\n0\n");
}

TEST_F(LeaderEpochCacheTest, WritesTheCheckpointOnTruncation) {
  assign(2, 6);
  assign(3, 8);
  assign(4, 11);
  ASSERT_TRUE(cache_->truncate_from_end(11).ok());
  ASSERT_TRUE(cache_->truncate_from_start(8).ok());
  auto stored = LeaderEpochCheckpointFile(dir_ / "leader-epoch-checkpoint").read();
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(*stored, (Entries{{3, 8}}));
}

TEST_F(LeaderEpochCacheTest, FindPreviousAndNextEpochs) {
  EXPECT_EQ(cache_->previous_epoch(2), std::nullopt);
  assign(2, 10);
  EXPECT_EQ(cache_->previous_epoch(2), std::nullopt);
  assign(4, 15);
  EXPECT_EQ(cache_->previous_epoch(4), 2);
  EXPECT_EQ(cache_->previous_entry(4), (EpochEntry{2, 10}));
  assign(10, 20);
  EXPECT_EQ(cache_->previous_epoch(10), 4);
  EXPECT_EQ(cache_->next_epoch(-1), 2);
  EXPECT_EQ(cache_->next_epoch(2), 4);
  EXPECT_EQ(cache_->next_epoch(10), std::nullopt);
  EXPECT_EQ(cache_->epoch_entry(4), (EpochEntry{4, 15}));
  EXPECT_EQ(cache_->epoch_entry(5), std::nullopt);
}

TEST_F(LeaderEpochCacheTest, EpochForOffset) {
  assign(0, 10);
  assign(1, 20);
  assign(5, 30);
  EXPECT_EQ(cache_->epoch_for_offset(25), 1);
  EXPECT_EQ(cache_->epoch_for_offset(20), 1);
  EXPECT_EQ(cache_->epoch_for_offset(30), 5);
  EXPECT_EQ(cache_->epoch_for_offset(50), 5);
  EXPECT_EQ(cache_->epoch_for_offset(5), std::nullopt);
}

TEST_F(LeaderEpochCacheTest, EntriesInRangeLeavesTheCacheAlone) {
  assign(2, 6);
  assign(3, 8);
  assign(4, 11);
  EXPECT_EQ(cache_->entries_in_range(7, 11), (Entries{{2, 7}, {3, 8}}));
  EXPECT_EQ(cache_->entries_in_range(-1, 9), (Entries{{2, 6}, {3, 8}}));
  EXPECT_EQ(cache_->entries().size(), 3u);
}

TEST_F(LeaderEpochCacheTest, RejectsNegativeEntries) {
  EXPECT_EQ(cache_->assign(-1, 0).code, ErrorCode::INVALID_REQUEST);
  EXPECT_EQ(cache_->assign(0, -5).code, ErrorCode::INVALID_REQUEST);
  EXPECT_TRUE(cache_->empty());
}

TEST_F(LeaderEpochCacheTest, AssignManyWritesOnce) {
  const Entries batch = {{1, 0}, {2, 5}, {3, 9}};
  ASSERT_TRUE(cache_->assign(batch).ok());
  EXPECT_EQ(cache_->entries(), batch);
  EXPECT_EQ(checkpoint_text(), "0\n3\n1 0\n2 5\n3 9\n");
}

TEST(LeaderEpochCacheOpen, LoadsAKafkaCheckpointAndRejectsACorruptOne) {
  TempDir dir;
  write_all(dir / "leader-epoch-checkpoint", "0\n3\n0 0\n2 150\n5 900\n");
  auto cache = LeaderEpochCache::open(dir / "leader-epoch-checkpoint");
  ASSERT_TRUE(cache.ok()) << cache.status().detail;
  EXPECT_EQ((*cache)->entries(), (Entries{{0, 0}, {2, 150}, {5, 900}}));
  EXPECT_EQ((*cache)->end_offset_for(3, 1000), (EpochEndOffset{2, 900}));

  write_all(dir / "leader-epoch-checkpoint", "0\n2\n0 0\n");
  EXPECT_EQ(LeaderEpochCache::open(dir / "leader-epoch-checkpoint").code(), ErrorCode::KAFKA_STORAGE_ERROR);
  write_all(dir / "leader-epoch-checkpoint", "0\n1\n-3 0\n");
  EXPECT_EQ(LeaderEpochCache::open(dir / "leader-epoch-checkpoint").code(), ErrorCode::KAFKA_STORAGE_ERROR);
}

TEST(LeaderEpochCacheOpen, FailedCheckpointWriteIsReported) {
  TempDir dir;
  auto cache = LeaderEpochCache::open(dir / "gone" / "leader-epoch-checkpoint");
  ASSERT_TRUE(cache.ok());  // a missing file is an empty cache
  EXPECT_EQ((*cache)->assign(1, 0).code, ErrorCode::KAFKA_STORAGE_ERROR);
}

TEST_F(LeaderEpochCacheTest, ReadersRunWhileTheAppenderAssigns) {
  std::atomic<bool> done{false};
  std::atomic<bool> ok{true};
  std::thread reader([&] {
    while (!done.load()) {
      const auto entries = cache_->entries();
      for (std::size_t i = 1; i < entries.size(); ++i) {
        if (entries[i].epoch <= entries[i - 1].epoch || entries[i].start_offset <= entries[i - 1].start_offset) {
          ok = false;
        }
      }
      const auto latest = cache_->latest_epoch();
      if (latest && cache_->end_offset_for(*latest, 1 << 30).epoch < 0) ok = false;
    }
  });
  for (int epoch = 0; epoch < 200; ++epoch) assign(epoch, epoch * 10);
  done = true;
  reader.join();
  EXPECT_TRUE(ok.load());
  EXPECT_EQ(cache_->entries().size(), 200u);
}

}  // namespace
}  // namespace sluice::storage
