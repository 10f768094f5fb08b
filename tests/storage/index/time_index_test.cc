#include "storage/index/time_index.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/storage/checkpoint/temp_dir.h"

namespace sluice::storage {
namespace {

using protocol::ErrorCode;
using testutil::read_all;
using testutil::TempDir;
using testutil::write_all;

std::unique_ptr<TimeIndex> open_index(const std::filesystem::path& path, std::int64_t base, std::int32_t max_size) {
  auto index = TimeIndex::open(path, base, max_size);
  EXPECT_TRUE(index.ok()) << index.status().detail;
  return index.ok() ? std::move(*index) : nullptr;
}

std::string be(std::uint64_t v, int bytes) {
  std::string out;
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>(v >> (8 * i)));
  return out;
}

TEST(TimeIndex, NewIndexIsPreallocatedToWholeEntries) {
  TempDir dir;
  auto index = open_index(dir / "00000000000000000000.timeindex", 0, 1000);
  EXPECT_EQ(index->length(), 996);  // 83 entries of 12 bytes
  EXPECT_EQ(index->max_entries(), 83);
  EXPECT_EQ(index->last_entry(), (TimestampOffset{kNoTimestamp, 0}));
  EXPECT_TRUE(index->sanity_check().ok());
}

TEST(TimeIndex, EntriesAreTimestampThenRelativeOffsetBigEndian) {
  TempDir dir;
  const auto path = dir / "00000000000000001000.timeindex";
  auto index = open_index(path, 1000, 120);
  ASSERT_TRUE(index->maybe_append(1709838871123, 1005).ok());
  ASSERT_TRUE(index->maybe_append(1709838871124, 1010).ok());
  ASSERT_TRUE(index->close().ok());
  EXPECT_EQ(read_all(path), be(1709838871123, 8) + be(5, 4) + be(1709838871124, 8) + be(10, 4));
}

TEST(TimeIndex, AppendsOnlyWhenTheTimestampGrows) {
  TempDir dir;
  auto index = open_index(dir / "x.timeindex", 100, 12 * 10);
  // NO_TIMESTAMP (message format v0) never makes an entry.
  ASSERT_TRUE(index->maybe_append(kNoTimestamp, 100).ok());
  EXPECT_EQ(index->entries(), 0);

  ASSERT_TRUE(index->maybe_append(10, 101).ok());
  ASSERT_TRUE(index->maybe_append(10, 105).ok());  // same timestamp: ignored
  ASSERT_TRUE(index->maybe_append(10, 101).ok());  // the roll/close re-append: ignored
  EXPECT_EQ(index->entries(), 1);
  ASSERT_TRUE(index->maybe_append(20, 105).ok());
  EXPECT_EQ(index->entries(), 2);
  EXPECT_EQ(index->last_entry(), (TimestampOffset{20, 105}));

  // Going backwards is a caller bug, refused without change.
  EXPECT_EQ(index->maybe_append(15, 110).code, ErrorCode::UNKNOWN_SERVER_ERROR);
  EXPECT_EQ(index->maybe_append(30, 104).code, ErrorCode::UNKNOWN_SERVER_ERROR);
  EXPECT_EQ(index->maybe_append(30, 100 + 2147483648LL).code, ErrorCode::UNKNOWN_SERVER_ERROR);
  EXPECT_EQ(index->entries(), 2);
}

TEST(TimeIndex, LookupFindsTheLargestTimestampAtOrBelowTheTarget) {
  // Kafka's TimeIndexTest.testLookUp layout: base 45, entries (i*10, i*10+45).
  TempDir dir;
  auto index = open_index(dir / "x.timeindex", 45, 30 * 12);
  EXPECT_EQ(index->lookup(100), (TimestampOffset{kNoTimestamp, 45}));  // empty
  for (int i = 1; i < 30; ++i) ASSERT_TRUE(index->maybe_append(i * 10, i * 10 + 45).ok());
  EXPECT_EQ(index->entries(), 29);

  EXPECT_EQ(index->lookup(9), (TimestampOffset{kNoTimestamp, 45}));  // smaller than the first
  EXPECT_EQ(index->lookup(10), (TimestampOffset{10, 55}));
  EXPECT_EQ(index->lookup(11), (TimestampOffset{10, 55}));
  EXPECT_EQ(index->lookup(289), (TimestampOffset{280, 325}));
  EXPECT_EQ(index->lookup(290), (TimestampOffset{290, 335}));
  EXPECT_EQ(index->lookup(1000000), (TimestampOffset{290, 335}));
  EXPECT_EQ(index->entry(0), (TimestampOffset{10, 55}));
  EXPECT_FALSE(index->entry(29).has_value());
}

TEST(TimeIndex, LastSlotIsReservedForTheRollEntry) {
  TempDir dir;
  auto index = open_index(dir / "x.timeindex", 0, 3 * 12);
  ASSERT_TRUE(index->maybe_append(1, 1).ok());
  ASSERT_TRUE(index->maybe_append(2, 2).ok());
  EXPECT_TRUE(index->is_full());  // 2 of 3 slots used
  EXPECT_EQ(index->maybe_append(3, 3).code, ErrorCode::UNKNOWN_SERVER_ERROR);
  ASSERT_TRUE(index->maybe_append(3, 3, /*skip_full_check=*/true).ok());
  EXPECT_EQ(index->entries(), 3);
  EXPECT_FALSE(index->maybe_append(4, 4, true).ok());  // truly no room left
}

TEST(TimeIndex, TruncateToUsesTheOffsets) {
  TempDir dir;
  auto index = open_index(dir / "x.timeindex", 0, 20 * 12);
  for (int i = 1; i <= 10; ++i) ASSERT_TRUE(index->maybe_append(1000 + i, i * 10).ok());
  index->truncate_to(101);
  EXPECT_EQ(index->entries(), 10);
  index->truncate_to(100);  // exact
  EXPECT_EQ(index->entries(), 9);
  EXPECT_EQ(index->last_entry(), (TimestampOffset{1009, 90}));
  index->truncate_to(45);  // between
  EXPECT_EQ(index->entries(), 4);
  EXPECT_EQ(index->last_entry(), (TimestampOffset{1004, 40}));
  EXPECT_EQ(index->lookup(5000), (TimestampOffset{1004, 40}));
  index->truncate_to(0);
  EXPECT_EQ(index->entries(), 0);
  EXPECT_EQ(index->last_entry(), (TimestampOffset{kNoTimestamp, 0}));
  // A truncated index accepts smaller timestamps again.
  ASSERT_TRUE(index->maybe_append(5, 1).ok());
}

TEST(TimeIndex, TrimCloseAndReopen) {
  TempDir dir;
  const auto path = dir / "00000000000000000007.timeindex";
  {
    auto index = open_index(path, 7, 100 * 12);
    ASSERT_TRUE(index->maybe_append(100, 8).ok());
    ASSERT_TRUE(index->maybe_append(200, 9).ok());
    ASSERT_TRUE(index->flush().ok());
    ASSERT_TRUE(index->close().ok());
  }
  EXPECT_EQ(std::filesystem::file_size(path), 24u);
  auto index = open_index(path, 7, 100 * 12);
  EXPECT_EQ(index->entries(), 2);
  EXPECT_EQ(index->last_entry(), (TimestampOffset{200, 9}));
  EXPECT_EQ(index->lookup(150), (TimestampOffset{100, 8}));
  EXPECT_TRUE(index->sanity_check().ok());
  ASSERT_TRUE(index->resize(100 * 12).ok());
  EXPECT_EQ(index->last_entry(), (TimestampOffset{200, 9}));
  ASSERT_TRUE(index->maybe_append(300, 10).ok());
  ASSERT_TRUE(index->reset().ok());
  EXPECT_EQ(index->entries(), 0);
  EXPECT_EQ(index->last_entry(), (TimestampOffset{kNoTimestamp, 7}));
}

TEST(TimeIndex, SanityCheckDetectsCorruption) {
  TempDir dir;
  // Timestamps going down.
  write_all(dir / "a.timeindex", be(500, 8) + be(1, 4) + be(400, 8) + be(2, 4));
  auto a = open_index(dir / "a.timeindex", 0, 120);
  EXPECT_EQ(a->sanity_check().code, ErrorCode::CORRUPT_MESSAGE);
  // Last offset below the base (negative relative offset).
  write_all(dir / "b.timeindex", be(500, 8) + be(0xffffffff, 4));
  auto b = open_index(dir / "b.timeindex", 10, 120);
  EXPECT_EQ(b->sanity_check().code, ErrorCode::CORRUPT_MESSAGE);
  // Length not a multiple of 12.
  write_all(dir / "c.timeindex", be(500, 8) + be(1, 4) + "xyz");
  auto c = open_index(dir / "c.timeindex", 0, 120);
  EXPECT_EQ(c->entries(), 1);
  const auto st = c->sanity_check();
  EXPECT_EQ(st.code, ErrorCode::CORRUPT_MESSAGE);
  EXPECT_NE(st.detail.find((dir / "c.timeindex").string()), std::string::npos);
}

}  // namespace
}  // namespace sluice::storage
