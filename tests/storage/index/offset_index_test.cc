#include "storage/index/offset_index.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <random>
#include <thread>

#include "tests/storage/checkpoint/temp_dir.h"

namespace sluice::storage {
namespace {

using protocol::ErrorCode;
using testutil::read_all;
using testutil::TempDir;
using testutil::write_all;

std::unique_ptr<OffsetIndex> open_index(const std::filesystem::path& path, std::int64_t base, std::int32_t max_size) {
  auto index = OffsetIndex::open(path, base, max_size);
  EXPECT_TRUE(index.ok()) << index.status().detail;
  return index.ok() ? std::move(*index) : nullptr;
}

std::string be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

TEST(OffsetIndex, NewIndexIsPreallocatedToWholeEntries) {
  TempDir dir;
  auto index = open_index(dir / "00000000000000000000.index", 0, 1001);
  ASSERT_TRUE(index);
  EXPECT_EQ(index->length(), 1000);  // 1001 rounded down to a multiple of 8
  EXPECT_EQ(std::filesystem::file_size(dir / "00000000000000000000.index"), 1000u);
  EXPECT_EQ(index->max_entries(), 125);
  EXPECT_EQ(index->entries(), 0);
  EXPECT_FALSE(index->is_full());
  EXPECT_EQ(index->last_offset(), 0);
  EXPECT_TRUE(index->sanity_check().ok());
}

TEST(OffsetIndex, TooSmallMaxSizeIsRefused) {
  TempDir dir;
  EXPECT_EQ(OffsetIndex::open(dir / "x.index", 0, 7).code(), ErrorCode::INVALID_CONFIG);
  EXPECT_FALSE(std::filesystem::exists(dir / "x.index"));
}

TEST(OffsetIndex, EntriesAreRelativeOffsetThenPositionBigEndian) {
  TempDir dir;
  const auto path = dir / "00000000000000000100.index";
  auto index = open_index(path, 100, 64);
  ASSERT_TRUE(index->append(101, 0x01020304).ok());
  ASSERT_TRUE(index->append(100 + std::int64_t{0x7ffffffe}, 0x7fffffff).ok());
  ASSERT_TRUE(index->flush().ok());
  ASSERT_TRUE(index->close().ok());
  // Trimmed to the two entries written: exactly the bytes Kafka would write.
  EXPECT_EQ(read_all(path), be32(1) + be32(0x01020304) + be32(0x7ffffffe) + be32(0x7fffffff));
}

TEST(OffsetIndex, LookupFindsTheLargestOffsetAtOrBelowTheTarget) {
  TempDir dir;
  auto index = open_index(dir / "x.index", 45, 30 * 8);
  // Empty index: the start of the segment.
  EXPECT_EQ(index->lookup(45), (OffsetPosition{45, 0}));
  EXPECT_EQ(index->lookup(1000), (OffsetPosition{45, 0}));
  for (int i = 1; i <= 10; ++i) ASSERT_TRUE(index->append(45 + i * 10, i * 100).ok());

  EXPECT_EQ(index->lookup(0), (OffsetPosition{45, 0}));  // below the first entry
  EXPECT_EQ(index->lookup(54), (OffsetPosition{45, 0}));
  EXPECT_EQ(index->lookup(55), (OffsetPosition{55, 100}));  // exact
  EXPECT_EQ(index->lookup(64), (OffsetPosition{55, 100}));
  EXPECT_EQ(index->lookup(65), (OffsetPosition{65, 200}));
  EXPECT_EQ(index->lookup(145), (OffsetPosition{145, 1000}));
  EXPECT_EQ(index->lookup(1LL << 40), (OffsetPosition{145, 1000}));  // above the last entry
  EXPECT_EQ(index->entry(0), (OffsetPosition{55, 100}));
  EXPECT_EQ(index->entry(9), (OffsetPosition{145, 1000}));
  EXPECT_FALSE(index->entry(10).has_value());
}

TEST(OffsetIndex, LookupAgreesWithABruteForceMapBeyondTheWarmSection) {
  // More entries than the 1024-entry warm section, so both search paths run.
  TempDir dir;
  auto index = open_index(dir / "x.index", 1000, 5000 * 8);
  std::map<std::int64_t, std::int32_t> model;
  std::mt19937_64 rng(42);
  std::int64_t offset = 1000;
  for (int i = 0; i < 4000; ++i) {
    offset += 1 + static_cast<std::int64_t>(rng() % 5);
    const auto position = static_cast<std::int32_t>(i * 37);
    ASSERT_TRUE(index->append(offset, position).ok());
    model[offset] = position;
  }
  for (int i = 0; i < 20000; ++i) {
    const std::int64_t target = 990 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(offset - 980));
    auto it = model.upper_bound(target);
    const OffsetPosition expected =
        it == model.begin() ? OffsetPosition{1000, 0} : OffsetPosition{std::prev(it)->first, std::prev(it)->second};
    ASSERT_EQ(index->lookup(target), expected) << "target " << target;
  }
}

TEST(OffsetIndex, AppendRefusesNonIncreasingOffsets) {
  TempDir dir;
  auto index = open_index(dir / "x.index", 0, 80);
  ASSERT_TRUE(index->append(5, 0).ok());
  EXPECT_EQ(index->append(5, 10).code, ErrorCode::UNKNOWN_SERVER_ERROR);
  EXPECT_EQ(index->append(4, 10).code, ErrorCode::UNKNOWN_SERVER_ERROR);
  EXPECT_EQ(index->entries(), 1);
  EXPECT_EQ(index->last_offset(), 5);
}

TEST(OffsetIndex, AppendRefusesOffsetsOutsideTheRelativeRange) {
  TempDir dir;
  auto index = open_index(dir / "x.index", 100, 80);
  EXPECT_FALSE(index->can_append_offset(99));
  EXPECT_FALSE(index->can_append_offset(100 + 2147483648LL));
  EXPECT_TRUE(index->can_append_offset(100 + 2147483647LL));
  EXPECT_EQ(index->append(99, 0).code, ErrorCode::UNKNOWN_SERVER_ERROR);
  EXPECT_EQ(index->append(100 + 2147483648LL, 0).code, ErrorCode::UNKNOWN_SERVER_ERROR);
  EXPECT_EQ(index->entries(), 0);
}

TEST(OffsetIndex, FullIndexRefusesAppends) {
  TempDir dir;
  auto index = open_index(dir / "x.index", 0, 3 * 8);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(index->append(i, i).ok());
  EXPECT_TRUE(index->is_full());
  EXPECT_EQ(index->append(3, 3).code, ErrorCode::UNKNOWN_SERVER_ERROR);
  EXPECT_EQ(index->entries(), 3);
}

TEST(OffsetIndex, TruncateToDropsEntriesAtOrAboveTheOffset) {
  TempDir dir;
  auto index = open_index(dir / "x.index", 0, 20 * 8);
  for (int i = 1; i <= 10; ++i) ASSERT_TRUE(index->append(i * 10, i).ok());

  index->truncate_to(200);  // above the last entry: no change
  EXPECT_EQ(index->entries(), 10);
  index->truncate_to(100);  // exact match: that entry goes too
  EXPECT_EQ(index->entries(), 9);
  EXPECT_EQ(index->last_offset(), 90);
  index->truncate_to(55);  // between entries: keep the one below
  EXPECT_EQ(index->entries(), 5);
  EXPECT_EQ(index->last_offset(), 50);
  EXPECT_EQ(index->lookup(1000), (OffsetPosition{50, 5}));
  index->truncate_to(5);  // below the first: everything goes
  EXPECT_EQ(index->entries(), 0);
  EXPECT_EQ(index->last_offset(), 0);

  // Appending resumes after truncation, overwriting the old slots.
  ASSERT_TRUE(index->append(7, 70).ok());
  EXPECT_EQ(index->lookup(8), (OffsetPosition{7, 70}));
}

TEST(OffsetIndex, TrimCloseAndReopenKeepsTheEntries) {
  TempDir dir;
  const auto path = dir / "00000000000000000050.index";
  {
    auto index = open_index(path, 50, 100 * 8);
    ASSERT_TRUE(index->append(51, 0).ok());
    ASSERT_TRUE(index->append(60, 4096).ok());
    ASSERT_TRUE(index->append(75, 8192).ok());
    ASSERT_TRUE(index->close().ok());
    EXPECT_FALSE(index->is_open());
  }
  EXPECT_EQ(std::filesystem::file_size(path), 24u);

  auto index = open_index(path, 50, 100 * 8);
  EXPECT_EQ(index->entries(), 3);
  EXPECT_EQ(index->last_offset(), 75);
  EXPECT_EQ(index->lookup(70), (OffsetPosition{60, 4096}));
  EXPECT_TRUE(index->sanity_check().ok());
  // A trimmed index is full until regrown for appends (Kafka resizes the
  // active segment's indexes back to segment.index.bytes on load).
  EXPECT_TRUE(index->is_full());
  auto grown = index->resize(100 * 8);
  ASSERT_TRUE(grown.ok());
  EXPECT_TRUE(*grown);
  EXPECT_EQ(std::filesystem::file_size(path), 800u);
  EXPECT_EQ(index->entries(), 3);
  ASSERT_TRUE(index->append(80, 9000).ok());
  auto same = index->resize(800);
  ASSERT_TRUE(same.ok());
  EXPECT_FALSE(*same);
  ASSERT_TRUE(index->trim_to_valid_size().ok());
  EXPECT_EQ(std::filesystem::file_size(path), 32u);
  EXPECT_EQ(index->lookup(100), (OffsetPosition{80, 9000}));
}

TEST(OffsetIndex, EmptyIndexTrimsToZeroBytesAndReopens) {
  TempDir dir;
  const auto path = dir / "x.index";
  {
    auto index = open_index(path, 0, 80);
    ASSERT_TRUE(index->close().ok());
  }
  EXPECT_EQ(std::filesystem::file_size(path), 0u);
  auto index = open_index(path, 0, 80);
  EXPECT_EQ(index->entries(), 0);
  EXPECT_EQ(index->lookup(5), (OffsetPosition{0, 0}));
  ASSERT_TRUE(index->reset().ok());
  EXPECT_EQ(index->length(), 80);
  ASSERT_TRUE(index->append(1, 1).ok());
}

TEST(OffsetIndex, ResetDropsEntriesAndRegrowsToMaxSize) {
  TempDir dir;
  auto index = open_index(dir / "x.index", 0, 10 * 8);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(index->append(i, i).ok());
  ASSERT_TRUE(index->trim_to_valid_size().ok());
  EXPECT_EQ(index->length(), 32);
  ASSERT_TRUE(index->reset().ok());
  EXPECT_EQ(index->entries(), 0);
  EXPECT_EQ(index->length(), 80);
  EXPECT_EQ(index->max_entries(), 10);
}

TEST(OffsetIndex, SanityCheckDetectsALengthThatIsNotWholeEntries) {
  TempDir dir;
  const auto path = dir / "x.index";
  write_all(path, be32(1) + be32(10) + be32(2) + be32(20) + "abc");  // 19 bytes
  auto index = open_index(path, 0, 80);
  EXPECT_EQ(index->entries(), 2);
  const auto st = index->sanity_check();
  EXPECT_EQ(st.code, ErrorCode::CORRUPT_MESSAGE);
  EXPECT_NE(st.detail.find(path.string()), std::string::npos);
}

TEST(OffsetIndex, SanityCheckDetectsALastOffsetBelowTheBase) {
  TempDir dir;
  const auto path = dir / "x.index";
  write_all(path, be32(1) + be32(10) + be32(0xffffffff) + be32(20));  // relative offset -1
  auto index = open_index(path, 100, 80);
  EXPECT_EQ(index->last_offset(), 99);
  EXPECT_EQ(index->sanity_check().code, ErrorCode::CORRUPT_MESSAGE);
}

TEST(OffsetIndex, ReadOnlyOpenOfAnExistingFile) {
  TempDir dir;
  const auto path = dir / "x.index";
  write_all(path, be32(3) + be32(30));
  auto index = OffsetIndex::open(path, 10, 80, /*writable=*/false);
  ASSERT_TRUE(index.ok()) << index.status().detail;
  EXPECT_EQ((*index)->lookup(20), (OffsetPosition{13, 30}));
  EXPECT_FALSE(OffsetIndex::open(dir / "missing.index", 0, 80, false).ok());
}

TEST(OffsetIndex, FetchUpperBoundOffset) {
  TempDir dir;
  auto index = open_index(dir / "x.index", 0, 20 * 8);
  for (int i = 1; i <= 5; ++i) ASSERT_TRUE(index->append(i * 10, i * 1000).ok());
  EXPECT_EQ(index->fetch_upper_bound_offset({10, 1000}, 1500), (OffsetPosition{30, 3000}));
  EXPECT_EQ(index->fetch_upper_bound_offset({10, 1000}, 2000), (OffsetPosition{30, 3000}));
  EXPECT_EQ(index->fetch_upper_bound_offset({0, 0}, 10), (OffsetPosition{10, 1000}));
  EXPECT_FALSE(index->fetch_upper_bound_offset({50, 5000}, 1).has_value());
}

TEST(OffsetIndex, RenameAndDelete) {
  TempDir dir;
  auto index = open_index(dir / "a.index", 0, 80);
  ASSERT_TRUE(index->append(1, 1).ok());
  ASSERT_TRUE(index->rename_to(dir / "a.index.deleted").ok());
  EXPECT_EQ(index->path(), dir / "a.index.deleted");
  EXPECT_FALSE(std::filesystem::exists(dir / "a.index"));
  // The mapping survives the rename.
  ASSERT_TRUE(index->append(2, 2).ok());
  EXPECT_EQ(index->lookup(5), (OffsetPosition{2, 2}));

  auto deleted = index->delete_if_exists();
  ASSERT_TRUE(deleted.ok());
  EXPECT_TRUE(*deleted);
  EXPECT_FALSE(std::filesystem::exists(dir / "a.index.deleted"));
  auto again = index->delete_if_exists();
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
  EXPECT_EQ(index->append(3, 3).code, ErrorCode::KAFKA_STORAGE_ERROR);  // closed
}

TEST(OffsetIndex, CloseHandlerKeepsThePreallocatedSize) {
  TempDir dir;
  const auto path = dir / "x.index";
  auto index = open_index(path, 0, 80);
  ASSERT_TRUE(index->append(1, 1).ok());
  index->close_handler();
  EXPECT_EQ(std::filesystem::file_size(path), 80u);
  EXPECT_EQ(index->append(2, 2).code, ErrorCode::KAFKA_STORAGE_ERROR);
  EXPECT_EQ(index->lookup(5), (OffsetPosition{0, 0}));
}

TEST(OffsetIndex, LookupsRunWhileTheAppenderAppends) {
  TempDir dir;
  auto index = open_index(dir / "x.index", 0, 100000 * 8);
  std::atomic<bool> done{false};
  std::atomic<bool> ok{true};
  std::thread reader([&] {
    while (!done.load()) {
      const std::int64_t last = index->last_offset();
      const OffsetPosition found = index->lookup(last);
      // Entries are (2k, k): whatever was visible must be consistent.
      if (found.offset > 0 && found.position * 2 != found.offset) ok = false;
    }
  });
  for (int i = 1; i <= 50000; ++i) ASSERT_TRUE(index->append(2 * i, i).ok());
  done = true;
  reader.join();
  EXPECT_TRUE(ok.load());
}

}  // namespace
}  // namespace sluice::storage
