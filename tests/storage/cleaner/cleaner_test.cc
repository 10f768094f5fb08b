// The cleaning of one log: what survives, what goes, and that offsets,
// timestamps, codecs and producer state stay as they were.
#include "storage/cleaner/cleaner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "protocol/records/control_record.h"
#include "storage/cleaner/log_cleaner.h"
#include "tests/storage/cleaner/cleaner_test_util.h"

namespace sluice::storage {
namespace {

using testutil::KeyValue;
using testutil::ReadBack;
using testutil::ReadRecord;

// What a round over [0, first_uncleanable) must leave: below it the record
// at each key's latest offset there (keyed records only), at or past it
// everything.
std::vector<ReadRecord> expected_after_clean(const std::vector<ReadRecord>& before, std::int64_t first_uncleanable) {
  std::map<std::string, std::int64_t> latest;
  for (const ReadRecord& r : before) {
    if (r.offset < first_uncleanable && r.key) latest[*r.key] = r.offset;
  }
  std::vector<ReadRecord> out;
  for (const ReadRecord& r : before) {
    if (r.offset >= first_uncleanable || (r.key && latest[*r.key] == r.offset)) out.push_back(r);
  }
  return out;
}

class CleanerTest : public testutil::LogFixture {
 protected:
  LogCleaner make_cleaner(const std::shared_ptr<Log>& log, LogCleanerConfig config = {}) {
    return LogCleaner(
        config, [log] { return std::vector<std::shared_ptr<Log>>{log}; }, clock_);
  }
};

TEST_F(CleanerTest, LatestValuePerKeySurvivesAtItsOriginalOffset) {
  auto log = open_log(testutil::compact_config());
  append_cycle(*log, 300, 20);
  const ReadBack before = read_all(*log);
  ASSERT_EQ(before.records.size(), 300u);
  const auto segments_before = log->segments();
  ASSERT_GT(segments_before.size(), 10u);
  const std::int64_t active_base = segments_before.back()->base_offset();
  const std::uint64_t size_before = log->size_in_bytes();

  LogCleaner cleaner = make_cleaner(log);
  auto cleaned = cleaner.clean_once();
  ASSERT_TRUE(cleaned.ok()) << cleaned.status().detail;
  ASSERT_TRUE(cleaned->has_value());
  EXPECT_EQ((*cleaned)->topic_partition, log->topic_partition());
  EXPECT_EQ((*cleaned)->result.first_dirty_offset, 0);
  EXPECT_EQ((*cleaned)->result.end_offset, active_base);

  const ReadBack after = read_all(*log);
  EXPECT_EQ(after.records, expected_after_clean(before.records, active_base));
  // Below the active segment, every key exactly once.
  std::map<std::string, int> seen;
  for (const ReadRecord& r : after.records) {
    if (r.offset < active_base) ++seen[*r.key];
  }
  EXPECT_EQ(seen.size(), 20u);
  for (const auto& [k, n] : seen) EXPECT_EQ(n, 1) << k;

  EXPECT_EQ(log->log_end_offset(), 300);
  EXPECT_LT(log->size_in_bytes(), size_before / 3);
  // Full segments cannot merge in a first round; most are empty now.
  const auto segments_after = log->segments();
  EXPECT_EQ(segments_after.size(), segments_before.size());
  EXPECT_GT(std::count_if(segments_after.begin(), segments_after.end(), [](const auto& s) { return s->size() == 0; }),
            static_cast<long>(segments_after.size() / 2));
  // Offsets still read as before: a fetch from a removed offset gets the next kept record.
  auto r = log->read(0, 1 << 20, FetchIsolation::kLogEnd, true);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->first_batch_offset, after.records.front().offset);
}

TEST_F(CleanerTest, ActiveSegmentIsNeverTouched) {
  auto log = open_log(testutil::compact_config());
  append_cycle(*log, 200, 5);
  // The active segment ends with duplicates of one key.
  for (int i = 0; i < 4; ++i) append(*log, {{"dup", "d" + std::to_string(i)}});
  const auto active = log->segments().back();
  const std::uint64_t active_size = active->size();
  const ReadBack before = read_all(*log);

  LogCleaner cleaner = make_cleaner(log);
  auto cleaned = cleaner.clean_once();
  ASSERT_TRUE(cleaned.ok() && cleaned->has_value());

  EXPECT_EQ(log->segments().back(), active);
  EXPECT_EQ(active->size(), active_size);
  std::vector<ReadRecord> active_before, active_after;
  for (const auto& r : before.records) {
    if (r.offset >= active->base_offset()) active_before.push_back(r);
  }
  for (const auto& r : read_all(*log).records) {
    if (r.offset >= active->base_offset()) active_after.push_back(r);
  }
  EXPECT_EQ(active_after, active_before);
  EXPECT_EQ(std::count_if(active_after.begin(), active_after.end(), [](const ReadRecord& r) { return r.key == "dup"; }),
            4);
}

TEST_F(CleanerTest, HighWatermarkBoundsTheRound) {
  auto log = open_log(testutil::compact_config());
  append_cycle(*log, 300, 10);
  // Data not yet replicated is not cleaned.
  const auto segments = log->segments();
  const std::int64_t hw = segments[segments.size() / 2]->base_offset() + 1;
  ASSERT_TRUE(log->update_high_watermark(hw));
  const ReadBack before = read_all(*log);
  LogCleaner cleaner = make_cleaner(log);
  auto cleaned = cleaner.clean_once();
  ASSERT_TRUE(cleaned.ok() && cleaned->has_value());
  // Rounded down to the segment holding the high watermark.
  EXPECT_EQ((*cleaned)->result.end_offset, hw - 1);
  EXPECT_EQ(read_all(*log).records, expected_after_clean(before.records, hw - 1));
}

TEST_F(CleanerTest, TombstonesStayUntilDeleteRetentionHasPassedSinceTheirCleaning) {
  auto config = testutil::compact_config();
  config->delete_retention_ms = 10'000;
  auto log = open_log(config);
  append(*log, {{"k1", "v1"}});
  append(*log, {{"k2", "v2"}});
  append_cycle(*log, 30, 10, "filler");
  const std::int64_t tombstone_time = clock_.now_ms();
  const std::int64_t tombstone_offset = append(*log, {{"k1", std::nullopt}});
  clock_.advance(1'000);
  append_cycle(*log, 60, 10, "filler");
  ASSERT_LT(tombstone_offset, log->segments().back()->base_offset());

  LogCleaner cleaner = make_cleaner(log);
  const std::int64_t first_clean = clock_.now_ms();
  auto cleaned = cleaner.clean_once();
  ASSERT_TRUE(cleaned.ok() && cleaned->has_value());
  EXPECT_EQ((*cleaned)->result.next_delete_horizon_ms, first_clean + 10'000);

  auto find = [&](const std::string& key) {
    std::vector<ReadRecord> found;
    for (const auto& r : read_all(*log).records) {
      if (r.key == key) found.push_back(r);
    }
    return found;
  };
  // The old value went; the tombstone stays, stamped (KIP-534) with its
  // own timestamp unchanged.
  auto k1 = find("k1");
  ASSERT_EQ(k1.size(), 1u);
  EXPECT_EQ(k1[0].offset, tombstone_offset);
  EXPECT_FALSE(k1[0].value.has_value());
  EXPECT_EQ(k1[0].timestamp, tombstone_time);
  bool stamped = false;
  for (const auto& h : read_all(*log).batches) {
    if (h.base_offset <= tombstone_offset && tombstone_offset <= h.last_offset()) {
      stamped = h.has_delete_horizon() && h.base_timestamp == first_clean + 10'000;
    }
  }
  EXPECT_TRUE(stamped);

  // Before the horizon nothing is due; a forced round keeps the tombstone too.
  clock_.advance(9'999);
  auto early = cleaner.clean_once();
  ASSERT_TRUE(early.ok());
  EXPECT_FALSE(early->has_value());
  Cleaner direct(CleanerOptions{}, clock_);
  auto forced = direct.clean(*log, (*cleaned)->result.end_offset, (*cleaned)->result.end_offset);
  ASSERT_TRUE(forced.ok() && forced->has_value());
  EXPECT_EQ(find("k1").size(), 1u);

  // At the horizon the manager cleans again and the tombstone goes.
  clock_.advance(1);
  auto late = cleaner.clean_once();
  ASSERT_TRUE(late.ok() && late->has_value()) << late.status().detail;
  EXPECT_TRUE(find("k1").empty());
  EXPECT_EQ((*late)->result.stats.tombstones_removed, 1);
  EXPECT_FALSE((*late)->result.next_delete_horizon_ms.has_value());
  ASSERT_EQ(find("k2").size(), 1u);
  EXPECT_EQ(find("k2")[0].value, "v2");
}

TEST_F(CleanerTest, RebuiltBatchesKeepCodecTimestampsAndOffsets) {
  auto log = open_log(testutil::compact_config(4096));
  const std::int64_t t0 = clock_.now_ms();
  protocol::BatchOptions o;
  o.compression = protocol::CompressionType::kLz4;
  protocol::RecordBatchBuilder b(o);
  std::vector<std::string> keys, values;
  for (int i = 0; i < 10; ++i) {
    keys.push_back("key" + std::to_string(i));
    values.push_back("value" + std::to_string(i));
  }
  for (int i = 0; i < 10; ++i) b.append(t0 + i * 7, testutil::bytes_of(keys[i]), testutil::bytes_of(values[i]));
  auto built = b.build();
  ASSERT_TRUE(built.ok());
  std::vector<RecordError> errors;
  ASSERT_TRUE(log->append_as_leader(*built, 0, AppendOrigin::kClient, errors).ok());
  // Overwrite the first and the even keys; 1, 3, 5, 7, 9 stay in the batch.
  for (int i = 0; i < 10; i += 2) append(*log, {{keys[i], "new"}});
  ASSERT_TRUE(log->roll().ok());
  const ReadBack before = read_all(*log);

  LogCleaner cleaner = make_cleaner(log);
  auto cleaned = cleaner.clean_once();
  ASSERT_TRUE(cleaned.ok() && cleaned->has_value());
  const ReadBack after = read_all(*log);
  EXPECT_EQ(after.records, expected_after_clean(before.records, log->segments().back()->base_offset()));
  ASSERT_FALSE(after.batches.empty());
  const protocol::RecordBatchHeader& first = after.batches.front();
  EXPECT_EQ(first.compression(), protocol::CompressionType::kLz4);
  EXPECT_EQ(first.records_count, 5);
  EXPECT_EQ(first.base_offset, 1);
  EXPECT_EQ(first.last_offset(), 9);  // the batch keeps its offset range
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(after.records[i].offset, 2 * i + 1);
    EXPECT_EQ(after.records[i].timestamp, t0 + (2 * i + 1) * 7);
  }
}

TEST_F(CleanerTest, ProducerStateSurvives) {
  auto log = open_log(testutil::compact_config());
  // Producer 7: offsets 0-1 (sequences 0-1), 2-3 (2-3); producer 8: 4-6 (5-7).
  append(*log, {{"a", "1"}, {"b", "1"}}, {.producer_id = 7, .producer_epoch = 3, .base_sequence = 0});
  append(*log, {{"a", "2"}, {"c", "1"}}, {.producer_id = 7, .producer_epoch = 3, .base_sequence = 2});
  append(*log, {{"x", "1"}, {"y", "1"}, {"z", "1"}}, {.producer_id = 8, .producer_epoch = 0, .base_sequence = 5});
  append(*log, {{"c", "2"}});
  append(*log, {{"a", "3"}});
  append(*log, {{"b", "2"}});
  append(*log, {{"x", "2"}});
  ASSERT_TRUE(log->roll().ok());

  LogCleaner cleaner = make_cleaner(log);
  auto cleaned = cleaner.clean_once();
  ASSERT_TRUE(cleaned.ok() && cleaned->has_value());
  const ReadBack after = read_all(*log);
  std::vector<protocol::RecordBatchHeader> of7, of8;
  for (const auto& h : after.batches) {
    if (h.producer_id == 7) of7.push_back(h);
    if (h.producer_id == 8) of8.push_back(h);
  }
  // Producer 7's first batch lost every record and goes; its last one is
  // kept empty, with its epoch, offsets and sequences.
  ASSERT_EQ(of7.size(), 1u);
  EXPECT_EQ(of7[0].records_count, 0);
  EXPECT_EQ(of7[0].base_offset, 2);
  EXPECT_EQ(of7[0].last_offset(), 3);
  EXPECT_EQ(of7[0].producer_epoch, 3);
  EXPECT_EQ(of7[0].base_sequence, 2);
  EXPECT_EQ(of7[0].last_sequence(), 3);
  // Producer 8 lost its first record: the batch starts later, and every
  // record keeps its sequence.
  ASSERT_EQ(of8.size(), 1u);
  EXPECT_EQ(of8[0].records_count, 2);
  EXPECT_EQ(of8[0].base_offset, 5);
  EXPECT_EQ(of8[0].base_sequence, 6);
  EXPECT_EQ(of8[0].last_offset(), 6);
  EXPECT_EQ(of8[0].last_sequence(), 7);
  std::set<std::string> keys;
  for (const auto& r : after.records) keys.insert(*r.key);
  EXPECT_EQ(keys, (std::set<std::string>{"a", "b", "c", "x", "y", "z"}));
}

TEST_F(CleanerTest, CommittedTransactionalRecordsAreCompactedLikeOthersAndTheirMarkerStays) {
  auto log = open_log(testutil::compact_config());
  append(*log, {{"u", "plain"}});
  append(*log, {{"u", "txn"}, {"w", "txn"}},
         {.producer_id = 9, .producer_epoch = 0, .base_sequence = 0, .transactional = true});
  auto marker = protocol::build_marker_batch({protocol::ControlType::kCommit, 0},
                                             {.producer_id = 9, .producer_epoch = 0, .timestamp = clock_.now_ms()});
  ASSERT_TRUE(marker.ok());
  std::vector<RecordError> errors;
  ASSERT_TRUE(log->append_as_leader(*marker, 0, AppendOrigin::kCoordinator, errors).ok());
  append(*log, {{"w", "later"}});
  log->update_high_watermark(log->log_end_offset());
  ASSERT_TRUE(log->roll().ok());

  LogCleaner cleaner = make_cleaner(log);
  auto cleaned = cleaner.clean_once();
  ASSERT_TRUE(cleaned.ok() && cleaned->has_value());
  const ReadBack after = read_all(*log);
  // Kafka's cleaner: the committed "u" shadows the plain one before it and
  // is shadowed by nothing; the transactional "w" goes for the later one.
  // The marker stays: its transaction still has records in the log.
  const std::vector<ReadRecord> expected = {
      {1, "u", "txn", after.records.at(0).timestamp},
      {3, after.records.at(1).key, after.records.at(1).value, after.records.at(1).timestamp},
      {4, "w", "later", after.records.at(2).timestamp}};
  EXPECT_EQ(after.records, expected);
  ASSERT_EQ(after.batches.size(), 3u);
  EXPECT_TRUE(after.batches[0].is_transactional());
  EXPECT_EQ(after.batches[0].producer_id, 9);
  EXPECT_EQ(after.batches[0].last_offset(), 2);
  EXPECT_TRUE(after.batches[1].is_control());
  EXPECT_FALSE(after.batches[1].has_delete_horizon());
}

TEST_F(CleanerTest, EmptiedGroupsLeaveEmptySegmentsAndTheLogReopens) {
  auto config = testutil::compact_config();
  auto log = open_log(config);
  append_cycle(*log, 200, 3);
  LogCleaner cleaner = make_cleaner(log);
  // Two rounds: the first empties whole segments, the second merges them.
  ASSERT_TRUE(cleaner.clean_once().ok());
  const auto after_first = log->segments();
  EXPECT_TRUE(std::any_of(after_first.begin(), after_first.end() - 1, [](const auto& s) { return s->size() == 0; }));
  append_cycle(*log, 200, 3);
  ASSERT_TRUE(log->roll().ok());
  auto second = cleaner.clean_once();
  ASSERT_TRUE(second.ok() && second->has_value());
  const ReadBack after = read_all(*log);
  ASSERT_EQ(after.records.size(), 3u);
  EXPECT_EQ(log->log_end_offset(), 400);

  const std::int64_t leo = log->log_end_offset();
  ASSERT_TRUE(log->close().ok());
  log.reset();
  auto reopened = open_log(config);
  ASSERT_TRUE(reopened);
  EXPECT_EQ(reopened->log_end_offset(), leo);
  EXPECT_EQ(read_all(*reopened).records, after.records);
  // Appends go on after the gap.
  EXPECT_EQ(append(*reopened, {{"key0", "again"}}), leo);
}

TEST_F(CleanerTest, AFullOffsetMapCleansInSeveralRounds) {
  auto config = testutil::compact_config();
  config->min_cleanable_dirty_ratio = 0;
  auto log = open_log(config);
  // 600 keys written twice; a map that holds far fewer.
  for (int pass = 0; pass < 2; ++pass) {
    for (int i = 0; i < 600; ++i) append(*log, {{"key" + std::to_string(i), "p" + std::to_string(pass)}});
  }
  ASSERT_TRUE(log->roll().ok());
  const std::int64_t active_base = log->segments().back()->base_offset();
  LogCleanerConfig cc;
  cc.dedupe_buffer_size = 8 << 10;
  LogCleaner cleaner = make_cleaner(log, cc);
  int rounds = 0;
  std::int64_t last_end = 0;
  while (true) {
    auto round = cleaner.clean_once();
    ASSERT_TRUE(round.ok()) << round.status().detail;
    if (!round->has_value()) break;
    ++rounds;
    EXPECT_GT((*round)->result.end_offset, last_end);
    last_end = (*round)->result.end_offset;
    ASSERT_LT(rounds, 100);
  }
  EXPECT_GT(rounds, 2);
  EXPECT_EQ(last_end, active_base);
  const ReadBack after = read_all(*log);
  ASSERT_EQ(after.records.size(), 600u);
  for (std::size_t i = 0; i < after.records.size(); ++i) {
    EXPECT_EQ(after.records[i].offset, static_cast<std::int64_t>(600 + i));
    EXPECT_EQ(after.records[i].value, "p1");
  }
}

TEST_F(CleanerTest, GroupsFitSegmentBytes) {
  auto log = open_log(testutil::compact_config(1024));
  append_cycle(*log, 120, 120);
  const auto segments = log->segments();
  ASSERT_GT(segments.size(), 4u);
  const std::span<const Log::SegmentPtr> inactive(segments.data(), segments.size() - 1);
  const std::int64_t next = segments.back()->base_offset();
  // Full segments cannot merge.
  for (const auto& g : group_segments_by_size(inactive, 1024, 4096, next)) EXPECT_EQ(g.size(), 1u);
  // With room for three, groups of three (the last one what is left).
  const auto three = group_segments_by_size(inactive, 3 * 1024, 1 << 20, next);
  std::size_t covered = 0;
  for (std::size_t i = 0; i < three.size(); ++i) {
    std::uint64_t size = 0;
    for (const auto& s : three[i]) size += s->size();
    EXPECT_LE(size, 3u * 1024);
    EXPECT_EQ(three[i].front(), inactive[covered]);
    covered += three[i].size();
  }
  EXPECT_EQ(covered, inactive.size());
  EXPECT_LT(three.size(), inactive.size());
}

}  // namespace
}  // namespace sluice::storage
