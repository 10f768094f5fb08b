#include "storage/index/transaction_index.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <vector>

#include "tests/storage/storage_test_util.h"

namespace sluice::storage {
namespace {

using testing::TempDir;

std::vector<std::uint8_t> file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class TransactionIndexTest : public ::testing::Test {
 protected:
  std::unique_ptr<TransactionIndex> open(std::int64_t start = 0) {
    auto index = TransactionIndex::open(path_, start);
    EXPECT_TRUE(index.ok()) << index.status().detail;
    return index.ok() ? std::move(index).value() : nullptr;
  }

  TempDir dir_;
  std::filesystem::path path_ = dir_.path() / "00000000000000000000.txnindex";
};

TEST_F(TransactionIndexTest, FileIsCreatedWithTheFirstEntryInKafkasLayout) {
  auto index = open();
  EXPECT_FALSE(std::filesystem::exists(path_));
  ASSERT_TRUE(index->append(AbortedTxn{0x0102030405060708, 5, 9, 3}).ok());
  const std::vector<std::uint8_t> bytes = file_bytes(path_);
  // version 0, producer id, first offset, last offset, last stable offset.
  const std::vector<std::uint8_t> expected = {0, 0,                     // version
                                              1, 2, 3, 4, 5, 6, 7, 8,   // producer id
                                              0, 0, 0, 0, 0, 0, 0, 5,   // first offset
                                              0, 0, 0, 0, 0, 0, 0, 9,   // last offset
                                              0, 0, 0, 0, 0, 0, 0, 3};  // last stable offset
  EXPECT_EQ(bytes, expected);
}

TEST_F(TransactionIndexTest, EntriesSurviveReopen) {
  {
    auto index = open();
    ASSERT_TRUE(index->append(AbortedTxn{1, 0, 10, 11}).ok());
    ASSERT_TRUE(index->append(AbortedTxn{2, 5, 20, 21}).ok());
    ASSERT_TRUE(index->flush().ok());
  }
  auto reopened = open();
  EXPECT_TRUE(reopened->sanity_check().ok());
  const std::vector<AbortedTxn> expected = {{1, 0, 10, 11}, {2, 5, 20, 21}};
  EXPECT_EQ(reopened->all_aborted(), expected);
  // Appends continue after the loaded entries, ordered against them.
  EXPECT_EQ(reopened->append(AbortedTxn{3, 15, 20, 21}).code, protocol::ErrorCode::UNKNOWN_SERVER_ERROR);
  ASSERT_TRUE(reopened->append(AbortedTxn{3, 15, 25, 26}).ok());
  EXPECT_EQ(file_bytes(path_).size(), 3 * TransactionIndex::kEntrySize);
}

TEST_F(TransactionIndexTest, LastOffsetsMustIncrease) {
  auto index = open();
  ASSERT_TRUE(index->append(AbortedTxn{1, 0, 10, 11}).ok());
  EXPECT_FALSE(index->append(AbortedTxn{2, 3, 10, 11}).ok());
  EXPECT_FALSE(index->append(AbortedTxn{2, 3, 9, 11}).ok());
  EXPECT_EQ(index->size(), 1u);
}

TEST_F(TransactionIndexTest, CollectsOverlappingEntriesAndSaysWhenComplete) {
  auto index = open();
  ASSERT_TRUE(index->append(AbortedTxn{1, 0, 10, 11}).ok());
  ASSERT_TRUE(index->append(AbortedTxn{2, 12, 20, 21}).ok());
  ASSERT_TRUE(index->append(AbortedTxn{3, 30, 40, 41}).ok());

  // [11, 25): only the second overlaps (the first ends before, the third starts after).
  TxnIndexSearchResult r = index->collect_aborted(11, 25);
  ASSERT_EQ(r.aborted.size(), 1u);
  EXPECT_EQ(r.aborted[0].producer_id, 2);
  // Entry 3's last stable offset 41 >= 25: nothing later can overlap.
  EXPECT_TRUE(r.is_complete);

  // The last entry ends at 40 and was stable up to 41: a range ending
  // beyond that may find more in later segments.
  r = index->collect_aborted(0, 100);
  EXPECT_EQ(r.aborted.size(), 3u);
  EXPECT_FALSE(r.is_complete);

  // A last offset equal to the fetch offset still overlaps.
  r = index->collect_aborted(10, 11);
  ASSERT_EQ(r.aborted.size(), 1u);
  EXPECT_EQ(r.aborted[0].producer_id, 1);
  EXPECT_TRUE(r.is_complete);
}

TEST_F(TransactionIndexTest, TruncateDropsEntriesFromTheOffsetOn) {
  auto index = open();
  ASSERT_TRUE(index->append(AbortedTxn{1, 0, 10, 11}).ok());
  ASSERT_TRUE(index->append(AbortedTxn{2, 5, 20, 21}).ok());
  ASSERT_TRUE(index->append(AbortedTxn{3, 15, 30, 31}).ok());
  ASSERT_TRUE(index->truncate_to(20).ok());
  EXPECT_EQ(index->all_aborted(), (std::vector<AbortedTxn>{{1, 0, 10, 11}}));
  EXPECT_EQ(file_bytes(path_).size(), TransactionIndex::kEntrySize);
  // The next entry may reuse the dropped range.
  ASSERT_TRUE(index->append(AbortedTxn{4, 12, 15, 16}).ok());
  EXPECT_EQ(open()->all_aborted(), (std::vector<AbortedTxn>{{1, 0, 10, 11}, {4, 12, 15, 16}}));
}

TEST_F(TransactionIndexTest, ResetEmptiesTheIndex) {
  auto index = open();
  ASSERT_TRUE(index->append(AbortedTxn{1, 0, 10, 11}).ok());
  ASSERT_TRUE(index->reset().ok());
  EXPECT_EQ(index->size(), 0u);
  EXPECT_EQ(file_bytes(path_).size(), 0u);
  ASSERT_TRUE(index->append(AbortedTxn{1, 0, 5, 6}).ok());
}

TEST_F(TransactionIndexTest, RenameAndDeleteFollowTheFile) {
  auto index = open();
  ASSERT_TRUE(index->append(AbortedTxn{1, 0, 10, 11}).ok());
  const auto renamed = dir_.path() / "00000000000000000000.txnindex.deleted";
  ASSERT_TRUE(index->rename_to(renamed).ok());
  EXPECT_FALSE(std::filesystem::exists(path_));
  ASSERT_TRUE(index->append(AbortedTxn{2, 11, 12, 13}).ok());
  EXPECT_EQ(file_bytes(renamed).size(), 2 * TransactionIndex::kEntrySize);
  auto deleted = index->delete_if_exists();
  ASSERT_TRUE(deleted.ok());
  EXPECT_TRUE(*deleted);
  EXPECT_FALSE(std::filesystem::exists(renamed));
  // Renaming an index that never had a file is fine.
  auto empty = open(100);
  EXPECT_TRUE(empty->rename_to(dir_.path() / "x.txnindex.swap").ok());
}

TEST_F(TransactionIndexTest, DamageIsReportedBySanityCheckNotByOpen) {
  {
    auto index = open();
    ASSERT_TRUE(index->append(AbortedTxn{1, 0, 10, 11}).ok());
  }
  // A torn entry.
  std::filesystem::resize_file(path_, TransactionIndex::kEntrySize + 3);
  auto torn = open();
  ASSERT_NE(torn, nullptr);
  EXPECT_EQ(torn->sanity_check().code, protocol::ErrorCode::CORRUPT_MESSAGE);
  ASSERT_TRUE(torn->reset().ok());
  EXPECT_TRUE(torn->sanity_check().ok());

  // An entry ending below the segment's start.
  std::filesystem::remove(path_);
  {
    auto index = open();
    ASSERT_TRUE(index->append(AbortedTxn{1, 0, 10, 11}).ok());
  }
  EXPECT_EQ(open(50)->sanity_check().code, protocol::ErrorCode::CORRUPT_MESSAGE);
  EXPECT_TRUE(open(10)->sanity_check().ok());
}

}  // namespace
}  // namespace sluice::storage
