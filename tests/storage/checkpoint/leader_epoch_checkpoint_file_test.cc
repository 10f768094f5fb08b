#include "storage/checkpoint/leader_epoch_checkpoint_file.h"

#include <gtest/gtest.h>

#include <vector>

#include "tests/storage/checkpoint/temp_dir.h"

namespace sluice::storage {
namespace {

using protocol::ErrorCode;
using testutil::read_all;
using testutil::TempDir;
using testutil::write_all;

TEST(LeaderEpochCheckpointFile, WritesKafkasExactText) {
  TempDir dir;
  LeaderEpochCheckpointFile file(LeaderEpochCheckpointFile::in_dir(dir.path()));
  EXPECT_EQ(file.path(), dir / "leader-epoch-checkpoint");
  const std::vector<EpochEntry> entries = {{0, 0}, {1, 2}, {5, 1500}};
  ASSERT_TRUE(file.write(entries).ok());
  EXPECT_EQ(read_all(dir / "leader-epoch-checkpoint"), "0\n3\n0 0\n1 2\n5 1500\n");
  EXPECT_FALSE(std::filesystem::exists(dir / "leader-epoch-checkpoint.tmp"));

  auto back = file.read();
  ASSERT_TRUE(back.ok()) << back.status().detail;
  EXPECT_EQ(*back, entries);
}

TEST(LeaderEpochCheckpointFile, EmptyAndMissing) {
  TempDir dir;
  LeaderEpochCheckpointFile file(dir / "leader-epoch-checkpoint");
  auto missing = file.read();
  ASSERT_TRUE(missing.ok());
  EXPECT_TRUE(missing->empty());
  ASSERT_TRUE(file.write({}).ok());
  EXPECT_EQ(read_all(file.path()), "0\n0\n");
  auto empty = file.read();
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(LeaderEpochCheckpointFile, KeepsTheFileOrderOnRead) {
  TempDir dir;
  write_all(dir / "leader-epoch-checkpoint", "0\n2\n3  10\n7\t20\n");
  auto back = LeaderEpochCheckpointFile(dir / "leader-epoch-checkpoint").read();
  ASSERT_TRUE(back.ok()) << back.status().detail;
  EXPECT_EQ(*back, (std::vector<EpochEntry>{{3, 10}, {7, 20}}));
}

TEST(LeaderEpochCheckpointFile, MalformedLineNamesFileAndLine) {
  TempDir dir;
  const auto path = dir / "leader-epoch-checkpoint";
  write_all(path, "0\n2\n0 0\n1 2 3\n");
  auto r = LeaderEpochCheckpointFile(path).read();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), ErrorCode::KAFKA_STORAGE_ERROR);
  EXPECT_NE(r.status().detail.find(path.string()), std::string::npos);
  EXPECT_NE(r.status().detail.find("line 4"), std::string::npos) << r.status().detail;

  write_all(path, "0\n1\n2147483648 0\n");  // epoch must fit int32
  EXPECT_FALSE(LeaderEpochCheckpointFile(path).read().ok());
  write_all(path, "0\n1\n1 abc\n");
  EXPECT_FALSE(LeaderEpochCheckpointFile(path).read().ok());
  write_all(path, "0\n3\n1 1\n");
  EXPECT_FALSE(LeaderEpochCheckpointFile(path).read().ok());
}

}  // namespace
}  // namespace sluice::storage
